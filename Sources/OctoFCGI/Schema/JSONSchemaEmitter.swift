/// Turns ``SchemaNode``s into pydantic-style JSON Schema, collecting objects and
/// enums as named OpenAPI components.
///
/// The output mirrors what pydantic 2 writes for the equivalent model (keys
/// sorted, `title` per property, `anyOf [..., null]` for optionals, `$ref`
/// without a title) so the document reads the same as the seed's; component
/// names are the Swift type names, suffixed with a number only when two
/// different shapes share a name.
struct JSONSchemaEmitter {
    /// Who a component name belongs to, so a shape seen twice is emitted once.
    enum Owner: Equatable {
        case fixed
        case object(ObjectSchema)
        case enumeration([String])
    }

    private(set) var components: [String: JSONValue] = [:]
    private var owners: [String: Owner] = [:]

    /// Claims a name for a component written by hand (e.g. `ResponseAnalytics`).
    mutating func addFixed(_ name: String, _ schema: JSONValue) {
        owners[name] = .fixed
        components[name] = schema
    }

    /// Claims a name for a top-level object before anything nested can take it.
    mutating func reserve(_ object: ObjectSchema, as preferred: String) -> String {
        if let existing = owners.first(where: { $0.value == .object(object) })?.key { return existing }
        let name = uniqueName(Self.sanitize(preferred), for: .object(object))
        owners[name] = .object(object)
        return name
    }

    /// `#/components/schemas/<name>`.
    static func ref(_ name: String) -> JSONValue {
        ["$ref": .string("#/components/schemas/\(name)")]
    }

    /// The component name of `object`, emitting it (and what it contains) once.
    mutating func component(for object: ObjectSchema) -> String {
        let name = owners.first(where: { $0.value == .object(object) })?.key
            ?? uniqueName(Self.sanitize(object.name), for: .object(object))
        if components[name] == nil {
            owners[name] = .object(object)
            components[name] = .object([])  // placeholder against re-entry
            components[name] = objectSchema(object, title: name)
        }
        return name
    }

    private mutating func enumComponent(name: String, values: [String]) -> String {
        let owner = Owner.enumeration(values)
        let existing = owners.first { $0.value == owner && Self.base(of: $0.key) == Self.sanitize(name) }?.key
        let chosen = existing ?? uniqueName(Self.sanitize(name), for: owner)
        owners[chosen] = owner
        components[chosen] = ["enum": .array(values.map(JSONValue.string)), "title": .string(chosen), "type": "string"]
        return chosen
    }

    /// Adds `minLength: 1` to the string properties `names` of component `component`.
    mutating func requireNonEmpty(_ names: [String], in component: String) {
        guard !names.isEmpty, case var .object(fields)? = components[component],
            let at = fields.firstIndex(where: { $0.0 == "properties" }), case var .object(properties) = fields[at].1
        else { return }
        for (index, property) in properties.enumerated() where names.contains(property.0) {
            guard case var .object(schema) = property.1 else { continue }
            schema.append(("minLength", 1))
            properties[index].1 = .object(schema.sorted { $0.0 < $1.0 })
        }
        fields[at].1 = .object(properties)
        components[component] = .object(fields)
    }

    /// `{"properties": ..., "required": [...], "title": ..., "type": "object"}`.
    mutating func objectSchema(_ object: ObjectSchema, title: String) -> JSONValue {
        var properties: [(String, JSONValue)] = []
        for field in object.fields { properties.append((field.name, property(field))) }
        let required = object.fields.filter(\.required).map { JSONValue.string($0.name) }
        var fields: [(String, JSONValue)] = object.examples.isEmpty ? [] : [("examples", .array(object.examples))]
        fields.append(("properties", .object(properties)))
        if !required.isEmpty { fields.append(("required", .array(required))) }
        fields += [("title", .string(title)), ("type", "object")]
        return .object(fields)
    }

    /// One property: its type, plus `default`, `description` and `title` as pydantic adds them.
    mutating func property(_ field: SchemaField) -> JSONValue {
        var fields = schemaFields(field.schema)
        if let value = field.defaultValue {
            fields.append(("default", value))
        } else if case .optional = field.schema, !field.required {
            fields.append(("default", .null))
        }
        if let description = field.description { fields.append(("description", .string(description))) }
        if !Self.isReference(field.schema) { fields.append(("title", .string(Self.title(field.name)))) }
        return .object(fields.sorted { $0.0 < $1.0 })
    }

    /// The schema of `node` on its own (used for items, values, inline bodies).
    mutating func schema(_ node: SchemaNode) -> JSONValue {
        .object(schemaFields(node))
    }

    private mutating func schemaFields(_ node: SchemaNode) -> [(String, JSONValue)] {
        switch node {
        case .string: return [("type", "string")]
        // A Swift integer is 64 bits: say so, where pydantic's has no bounds.
        case .integer: return [("maximum", .int(.max)), ("minimum", .int(.min)), ("type", "integer")]
        case .number: return [("type", "number")]
        case .boolean: return [("type", "boolean")]
        case .file: return [("format", "binary"), ("type", "string")]
        case .any: return []
        case let .array(element): return [("items", schema(element)), ("type", "array")]
        case let .dictionary(value): return [("additionalProperties", schema(value)), ("type", "object")]
        case let .stringEnum(name, values):
            return [("$ref", .string("#/components/schemas/\(enumComponent(name: name, values: values))"))]
        case let .object(object):
            return [("$ref", .string("#/components/schemas/\(component(for: object))"))]
        case let .optional(inner):
            var wrapped = inner
            while case let .optional(next) = wrapped { wrapped = next }
            if case .any = wrapped { return [] }
            return [("anyOf", [schema(wrapped), ["type": "null"]])]
        }
    }

    /// pydantic leaves `title` off properties that are (possibly optional) references.
    static func isReference(_ node: SchemaNode) -> Bool {
        switch node {
        case .object, .stringEnum: return true
        case let .optional(inner): return isReference(inner)
        default: return false
        }
    }

    /// pydantic's title: Python `str.title()`, then `_` → space (`max_tokens` → `Max Tokens`).
    static func title(_ name: String) -> String {
        var out = ""
        var previousCased = false
        for character in name {
            let cased = character.isLetter && (character.isUppercase || character.isLowercase)
            out += cased ? (previousCased ? character.lowercased() : character.uppercased()) : String(character)
            previousCased = cased
        }
        return String(out.replacingUnderscores().trimmingSpaces())
    }

    /// Component names may only hold `A-Za-z0-9._-` (`Page<Item>` → `PageItem`).
    static func sanitize(_ name: String) -> String {
        let kept = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") }
        return kept.isEmpty ? "Schema" : kept
    }

    private static func base(of name: String) -> String {
        String(name.reversed().drop(while: \.isNumber).reversed())
    }

    private func uniqueName(_ base: String, for owner: Owner) -> String {
        if owners[base] == nil || owners[base] == owner { return base }
        var counter = 2
        while let taken = owners["\(base)\(counter)"], taken != owner { counter += 1 }
        return "\(base)\(counter)"
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
