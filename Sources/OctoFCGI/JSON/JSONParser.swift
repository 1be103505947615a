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
        try parseNotingRepeats(bytes, maxValues: maxValues).value
    }

    /// ``parse(_:maxValues:)``, and whether an object in it gave a key twice
    /// (the tree then holds the key once, with its last value, as Python does).
    package static func parseNotingRepeats(_ bytes: [UInt8], maxValues: Int = .max) throws(Failure) -> (value: JSONValue, repeatsAKey: Bool) {
        let result: Result<(JSONValue, Bool), Failure> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer: buffer, maxValues: maxValues)
            do throws(Failure) {
                let value = try reader.document()
                return .success((value, reader.repeatsAKey))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
