import OctoFCGI

/// A service whose input uses every kind of field the schema supports (strings,
/// numbers, booleans, lists, dictionaries, string enums, nested and optional
/// types). It echoes its input back: handy to see how a request is validated and
/// normalised, and what the validation tests speak to.
public struct TypesService: Service {
    public enum Color: String, Codable, Sendable, CaseIterable {
        case red, green, blue
    }

    @Schema
    public struct Point: Codable, Sendable {
        public var x: Double
        public var y: Double
    }

    @Schema
    public struct Input: Codable, Sendable {
        public var name: String
        public var count: Int
        public var ratio: Double
        public var flag: Bool
        public var tags: [String]
        public var color: Color
        public var scores: [String: Double] = [:]
        public var origin: Point?
        /// Optional free text.
        public var note: String?
    }

    public typealias Output = Input

    public init() {}

    public func infer(_ input: Input) throws -> Input { input }
}
