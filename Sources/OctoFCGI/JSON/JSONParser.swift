/// Parses request bodies into ``JSONValue``.
///
/// Strict RFC 8259 (no `NaN`, no trailing commas, no comments), because
/// Foundation's `JSONDecoder` in the model owner must accept whatever we accept.
/// Errors carry the byte offset and the message Python's `json` module gives, so
/// a `json_invalid` answer reads exactly as FastAPI's does. Written over raw bytes
/// without Foundation: it runs on every request.
package enum JSONParser {
    /// Why and where a body is not JSON.
    package struct Failure: Error, Sendable, Equatable {
        /// Byte offset of the error.
        package var offset: Int
        /// Python `json` style message, e.g. `Expecting value`.
        package var message: String
        /// The document may be valid but holds more values than allowed.
        package var exceedsLimit: Bool

        package init(offset: Int, message: String, exceedsLimit: Bool = false) {
            self.offset = offset
            self.message = message
            self.exceedsLimit = exceedsLimit
        }
    }

    /// How deep arrays and objects may nest: deeper documents are refused rather
    /// than risking the responder's stack.
    package static let maxDepth = 512

    /// Parses one JSON document (surrounding whitespace allowed, nothing else).
    /// Past `maxValues` values (scalars, arrays and objects, at any depth) it
    /// stops with a failure that ``Failure/exceedsLimit``.
    package static func parse(_ bytes: [UInt8], maxValues: Int = .max) throws(Failure) -> JSONValue {
        let result: Result<JSONValue, Failure> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer: buffer, maxValues: maxValues)
            do throws(Failure) {
                return .success(try reader.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
