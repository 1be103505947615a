import Foundation

/// Records the default values and doc comments of a `Codable` type's stored
/// properties, so the derived JSON Schema shows `default` and `description`
/// and validation fills in omitted fields. Swift's synthesized `Codable` cannot
/// see initial values; this macro reads them from the declaration.
///
/// ```swift
/// @Schema struct Input: Codable, Sendable {
///     /// The text to reverse.
///     var prompt: String
///     var max_tokens: Int = 16
/// }
/// ```
@attached(extension, conformances: SchemaDescribed, names: named(schemaFieldInfo))
public macro Schema() = #externalMacro(module: "OctoFCGIMacros", type: "SchemaMacro")

/// What `@Schema` records about one stored property.
public struct SchemaFieldInfo: Sendable {
    /// The property name (the JSON key unless `CodingKeys` renames it).
    public var name: String
    /// The initial value, encoded as JSON, when the property has one.
    public var defaultValue: JSONValue?
    /// The property's doc comment.
    public var description: String?

    public init(name: String, defaultValue: JSONValue? = nil, description: String? = nil) {
        self.name = name
        self.defaultValue = defaultValue
        self.description = description
    }
}

/// Conformance added by `@Schema`.
public protocol SchemaDescribed {
    /// One entry per stored property, in declaration order.
    static var schemaFieldInfo: [SchemaFieldInfo] { get }
}

extension SchemaFieldInfo {
    /// The JSON form of a property's initial value, as the schema's `default` and
    /// the value validation fills in; nil when it does not encode. Called by the
    /// code `@Schema` generates.
    public static func encodeDefault<T: Encodable>(_ value: T) -> JSONValue? {
        guard let data = try? JSONEncoder().encode(value) else { return nil }
        return try? JSONParser.parse(Array(data))
    }
}

/// An input type that gives clients an example of itself. The OpenAPI document
/// lists its examples (`examples` of its schema), and `/docs` and `octoai
/// generate-usage-examples` send the first one instead of a value made up from
/// the schema, which a service with rules beyond its types ("exactly one of
/// `text` or `texts`") would refuse.
///
/// ```swift
/// extension Input: SchemaExamples {
///     static var examples: [Input] { [Input(text: "A cat sits on the mat.")] }
/// }
/// ```
public protocol SchemaExamples: Encodable {
    /// Values the service accepts; the first is the one shown.
    static var examples: [Self] { get }
}

extension SchemaExamples {
    /// The examples as JSON (keys sorted, so the document is the same every time).
    static var encodedExamples: [JSONValue] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return examples.compactMap { example in (try? encoder.encode(example)).flatMap { try? JSONParser.parse(Array($0)) } }
    }
}
