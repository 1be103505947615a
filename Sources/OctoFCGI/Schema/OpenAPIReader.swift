/// Reads an OpenAPI document (as ``OpenAPIGenerator`` writes it) back into the
/// few shapes the `/docs` page and the usage examples need.
///
/// Both work from the document rather than from ``APIDescription`` so they show
/// exactly what clients are promised, `$ref`s resolved through `components`.
struct OpenAPIReader {
    /// One `method path` pair.
    struct Operation {
        var method: String
        var path: String
        var summary: String
        var description: String?
        /// `application/json` or `multipart/form-data`, with its schema; nil for `GET`s.
        var requestBody: (mediaType: String, schema: JSONValue)?
        var responses: [Response]
    }

    struct Response {
        var status: String
        var description: String
        var schema: JSONValue?
        /// A `text/event-stream` of items (`schema` is one item's).
        var isStream = false
    }

    /// One property of an object schema.
    struct Field {
        var name: String
        var schema: JSONValue
        var required: Bool
        var defaultValue: JSONValue? { schema["default"] }
        var description: String? { schema["description"]?.stringValue }
    }

    let document: JSONValue

    var title: String { document["info"]?["title"]?.stringValue ?? "octoai" }
    var version: String { document["info"]?["version"]?.stringValue ?? "" }

    /// Every operation, in document order.
    var operations: [Operation] {
        guard case let .object(paths)? = document["paths"] else { return [] }
        return paths.flatMap { path, item -> [Operation] in
            guard case let .object(methods) = item else { return [] }
            return methods.map { method, operation in Self.operation(method: method, path: path, operation) }
        }
    }

    /// The `POST` operations: the ones a client sends a body to.
    var postOperations: [Operation] { operations.filter { $0.method == "post" } }

    /// Named components, in document order.
    var components: [(name: String, schema: JSONValue)] {
        guard case let .object(schemas)? = document["components"]?["schemas"] else { return [] }
        return schemas.map { (name: $0.0, schema: $0.1) }
    }

    static func operation(method: String, path: String, _ operation: JSONValue) -> Operation {
        var body: (String, JSONValue)?
        if case let .object(content)? = operation["requestBody"]?["content"], let (mediaType, media) = content.first, let schema = media["schema"] {
            body = (mediaType, schema)
        }
        var responses: [Response] = []
        if case let .object(codes)? = operation["responses"] {
            responses = codes.map { code, response in
                Response(
                    status: code, description: response["description"]?.stringValue ?? "",
                    schema: response["content"]?["application/json"]?["schema"] ?? response["content"]?["text/event-stream"]?["schema"],
                    isStream: response["content"]?["text/event-stream"] != nil)
            }
        }
        return Operation(
            method: method, path: path, summary: operation["summary"]?.stringValue ?? path,
            description: operation["description"]?.stringValue, requestBody: body, responses: responses)
    }

    /// The component a `$ref` names (`#/components/schemas/Input` → `Input`).
    static func referenceName(_ schema: JSONValue) -> String? {
        guard let ref = schema["$ref"]?.stringValue, let slash = ref.lastIndex(of: "/") else { return nil }
        return String(ref[ref.index(after: slash)...])
    }

    /// `schema` with a top-level `$ref` replaced by its component (repeatedly, bounded against cycles).
    func resolve(_ schema: JSONValue) -> JSONValue {
        var current = schema
        for _ in 0..<16 {
            guard let name = Self.referenceName(current), let target = document["components"]?["schemas"]?[name] else { return current }
            current = target
        }
        return current
    }

    /// The properties of an object schema (after resolving), in declaration order.
    func fields(of schema: JSONValue) -> [Field] {
        let object = resolve(schema)
        guard case let .object(properties)? = object["properties"] else { return [] }
        let required = Set(object["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        return properties.map { Field(name: $0.0, schema: $0.1, required: required.contains($0.0)) }
    }

    /// A short, human type: `string`, `integer`, `array of Item`, `string | null`, `Input`.
    /// `name` formats component names and `literal` enum values (the docs page links and escapes them).
    func typeName(_ schema: JSONValue, name: (String) -> String = { $0 }, literal: (String) -> String = { $0 }) -> String {
        func inner(_ schema: JSONValue) -> String { typeName(schema, name: name, literal: literal) }
        if let reference = Self.referenceName(schema) { return name(reference) }
        if let options = (schema["anyOf"] ?? schema["oneOf"])?.arrayValue { return options.map(inner).joined(separator: " | ") }
        if let values = schema["enum"]?.arrayValue { return "one of " + values.map { literal($0.serialized) }.joined(separator: ", ") }
        let type = schema["type"]?.stringValue ?? (schema["type"]?.arrayValue?.compactMap(\.stringValue).joined(separator: " | ") ?? "any")
        switch type {
        case "array": return "array of " + (schema["items"].map(inner) ?? "any")
        case "object":
            if let values = schema["additionalProperties"], values != .bool(false), values != .bool(true) { return "object of " + inner(values) }
            return "object"
        case "string": return schema["format"]?.stringValue == "binary" ? "file" : "string"
        default: return literal(type)
        }
    }

    /// A value that fits `schema`: its default when it has one, else `"example"`,
    /// `0`, `false`, one-element arrays and every required or defaulted field.
    func example(for schema: JSONValue, depth: Int = 0) -> JSONValue {
        // The service's own example first: one it says it accepts.
        if let given = (schema["examples"] ?? resolve(schema)["examples"])?.arrayValue?.first { return given }
        if let value = schema["default"] { return value }
        let resolved = resolve(schema)
        if let first = (schema["enum"] ?? resolved["enum"])?.arrayValue?.first { return first }
        if let options = (resolved["anyOf"] ?? resolved["oneOf"])?.arrayValue {
            return options.first { $0["type"]?.stringValue != "null" }.map { example(for: $0, depth: depth) } ?? .null
        }
        guard depth < 8 else { return .null }
        switch resolved["type"]?.stringValue {
        case "string": return "example"
        case "integer": return 0
        case "number": return 0.0
        case "boolean": return false
        case "null": return .null
        case "array": return .array([resolved["items"].map { example(for: $0, depth: depth + 1) } ?? .null])
        default:
            let fields = fields(of: resolved).filter { $0.required || $0.defaultValue != nil }
            return .object(fields.map { ($0.name, example(for: $0.schema, depth: depth + 1)) })
        }
    }
}

extension JSONValue {
    var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }
}
