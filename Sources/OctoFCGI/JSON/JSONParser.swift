/// Parses request bodies into ``JSONValue``.
///
/// Strict RFC 8259 (no `NaN`, no trailing commas, no comments), because
/// Foundation's `JSONDecoder` in the model owner must accept whatever we accept.
/// Errors carry the byte offset and the message Python's `json` module gives, so
/// a `json_invalid` answer reads exactly as FastAPI's does. Written over raw bytes
/// without Foundation: it runs on every request.
public enum JSONParser {
    /// Why and where a body is not JSON.
    public struct Failure: Error, Sendable, Equatable {
        /// Byte offset of the error.
        public var offset: Int
        /// Python `json` style message, e.g. `Expecting value`.
        public var message: String

        public init(offset: Int, message: String) {
            self.offset = offset
            self.message = message
        }
    }

    /// How deep arrays and objects may nest: deeper documents are refused rather
    /// than risking the responder's stack.
    public static let maxDepth = 512

    /// Parses one JSON document (surrounding whitespace allowed, nothing else).
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        let result: Result<JSONValue, Failure> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer: buffer)
            do throws(Failure) {
                return .success(try reader.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
