/// Walks one JSON value against a ``SchemaNode``, collecting every error (pydantic
/// reports all of them) and building the normalised value as it goes.
struct ValueValidator {
    private(set) var errors: [JSONValue] = []

    /// The normalised value, or nil when this value (or something inside it) is invalid.
    /// `loc` is the location of `value`; it is restored before returning.
    mutating func validate(_ value: JSONValue, against node: SchemaNode, at loc: inout [JSONValue]) -> JSONValue? {
        switch node {
        // A file only arrives as a multipart part (FormValidator); JSON cannot carry one.
        case .any, .file: return value
        case let .optional(inner):
            if case .null = value { return .null }
            return validate(value, against: inner, at: &loc)
        case .string:
            if case .string = value { return value }
            return fail(.stringType, loc, value)
        case .integer: return scalar(LaxCoercion.integer(value), loc, value)
        case .number: return scalar(LaxCoercion.number(value), loc, value)
        case .boolean: return scalar(LaxCoercion.boolean(value), loc, value)
        case let .stringEnum(_, values):
            if case let .string(text) = value, values.contains(text) { return value }
            errors.append(ValidationIssue.enumMismatch(loc: loc, input: value, values: values))
            return nil
        case let .array(element): return array(value, element, &loc)
        case let .dictionary(element): return dictionary(value, element, &loc)
        case let .object(schema): return object(value, schema, &loc)
        }
    }

    private mutating func fail(_ issue: ScalarIssue, _ loc: [JSONValue], _ input: JSONValue) -> JSONValue? {
        errors.append(ValidationIssue.make(issue.rawValue, loc, issue.message, input))
        return nil
    }

    private mutating func scalar(_ result: Result<JSONValue, ScalarIssue>, _ loc: [JSONValue], _ input: JSONValue) -> JSONValue? {
        switch result {
        case let .success(value): return value
        case let .failure(issue): return fail(issue, loc, input)
        }
    }

    private mutating func array(_ value: JSONValue, _ element: SchemaNode, _ loc: inout [JSONValue]) -> JSONValue? {
        guard case let .array(items) = value else { return fail(.listType, loc, value) }
        var out: [JSONValue] = []
        out.reserveCapacity(items.count)
        var ok = true
        for (index, item) in items.enumerated() {
            loc.append(.int(Int64(index)))
            if let valid = validate(item, against: element, at: &loc) { out.append(valid) } else { ok = false }
            loc.removeLast()
        }
        return ok ? .array(out) : nil
    }

    private mutating func dictionary(_ value: JSONValue, _ element: SchemaNode, _ loc: inout [JSONValue]) -> JSONValue? {
        guard case let .object(fields) = value else { return fail(.dictType, loc, value) }
        var out: [(String, JSONValue)] = []
        out.reserveCapacity(fields.count)
        var ok = true
        for (key, item) in fields {
            loc.append(.string(key))
            if let valid = validate(item, against: element, at: &loc) { out.append((key, valid)) } else { ok = false }
            loc.removeLast()
        }
        return ok ? .object(out) : nil
    }

    /// Fields in schema order: present ones validated, absent ones defaulted or
    /// reported `missing`, unknown ones dropped.
    private mutating func object(_ value: JSONValue, _ schema: ObjectSchema, _ loc: inout [JSONValue]) -> JSONValue? {
        guard case let .object(fields) = value else {
            errors.append(ValidationIssue.modelAttributesType(loc: loc, input: value))
            return nil
        }
        let lookup = FieldLookup(fields)
        var out: [(String, JSONValue)] = []
        out.reserveCapacity(schema.fields.count)
        var ok = true
        for field in schema.fields {
            loc.append(.string(field.name))
            defer { loc.removeLast() }
            if let present = lookup[field.name] {
                if let valid = validate(present, against: field.schema, at: &loc) { out.append((field.name, valid)) } else { ok = false }
            } else if let fallback = field.defaultValue {
                out.append((field.name, fallback))
            } else if field.required {
                errors.append(ValidationIssue.missing(loc: loc, input: value))
                ok = false
            }
        }
        return ok ? .object(out) : nil
    }
}

/// Finds object members by key: a scan for the small objects requests usually
/// are, a hash table past that.
struct FieldLookup {
    private let fields: [(String, JSONValue)]
    private let index: [String: Int]?

    init(_ fields: [(String, JSONValue)]) {
        self.fields = fields
        if fields.count > 12 {
            var index: [String: Int] = [:]
            for (position, field) in fields.enumerated() where index[field.0] == nil { index[field.0] = position }
            self.index = index
        } else {
            self.index = nil
        }
    }

    subscript(key: String) -> JSONValue? {
        if let index { return index[key].map { fields[$0].1 } }
        return fields.first { $0.0 == key }?.1
    }
}
