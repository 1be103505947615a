/// The shape of a `Codable` type, as far as a JSON client can see it.
///
/// It is derived from the Swift type (see ``SchemaProbe``), never written by hand,
/// and is the single source for three consumers: request validation in the
/// responder, the JSON Schema in the OpenAPI document, and the docs/usage examples.
package indirect enum SchemaNode: Sendable, Equatable {
    case string
    case integer
    case number
    case boolean
    /// An uploaded file (``FormFile``): a `multipart/form-data` part with a filename.
    case file
    /// A JSON array of one element type.
    case array(SchemaNode)
    /// A JSON object with free-form keys (`[String: Value]`).
    case dictionary(SchemaNode)
    /// A `String`-backed enum; `name` is the Swift type name.
    case stringEnum(name: String, values: [String])
    /// A struct or class with named fields.
    case object(ObjectSchema)
    /// `Optional<Wrapped>`: the value may also be `null`.
    case optional(SchemaNode)
    /// Anything (a type the probe could not see into, e.g. a custom `init(from:)`
    /// that reads a single value of its own format).
    case any
}

/// A named record type: its fields in declaration order.
package struct ObjectSchema: Sendable, Equatable {
    /// The Swift type name (`Input`, `Nested`), used for component names and error messages.
    package var name: String
    package var fields: [SchemaField]
    /// Values the service gives as examples of this type (``SchemaExamples``).
    package var examples: [JSONValue] = []

    package init(name: String, fields: [SchemaField]) {
        self.name = name
        self.fields = fields
    }
}

/// One field of an ``ObjectSchema``.
package struct SchemaField: Sendable, Equatable {
    /// The JSON key.
    package var name: String
    package var schema: SchemaNode
    /// A field is required when it has no default and is not optional (pydantic's rule).
    package var required: Bool
    /// The JSON value used when the client omits the field.
    package var defaultValue: JSONValue?
    /// A human description (from the field's doc comment, when the type uses `@Schema`).
    package var description: String?

    package init(name: String, schema: SchemaNode, required: Bool, defaultValue: JSONValue? = nil, description: String? = nil) {
        self.name = name
        self.schema = schema
        self.required = required
        self.defaultValue = defaultValue
        self.description = description
    }
}
