/// Parses JSON bytes. (Stub: the schema work replaces it.)
public enum JSONParser {
    public struct Failure: Error, Sendable, Equatable {
        /// Byte offset of the error.
        public var offset: Int
        /// Python `json` style message, e.g. `Expecting value`.
        public var message: String
    }
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        throw Failure(offset: 0, message: "Expecting value")
    }
}
