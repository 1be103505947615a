import Mustache

/// Working client examples for every `POST` endpoint, rendered from the OpenAPI
/// document so they always match what the server validates (the seed's were
/// syntactically broken and covered `/infer` only).
enum UsageExamples {
    enum Format: String, CaseIterable, Sendable {
        case curl, python
    }

    /// The mustache template of `format`, unrendered.
    static func template(_ format: Format) -> String {
        switch format {
        case .curl: UsageExampleTemplates.curl
        case .python: UsageExampleTemplates.python
        }
    }

    /// `{"generated_template": ..., "template_hash": ...}`: what `--no-render` prints.
    static func unrendered(_ format: Format) -> JSONValue {
        let text = template(format)
        return ["generated_template": .string(text), "template_hash": .string(SHA256.hex(Array(text.utf8)))]
    }

    /// The script for `document`'s endpoints.
    static func render(_ format: Format, document: JSONValue) throws -> String {
        try MustacheTemplate(string: template(format)).render(context(document))
    }

    static func context(_ document: JSONValue) -> [String: Any] {
        let reader = OpenAPIReader(document: document)
        let endpoints = reader.postOperations.map { endpoint($0, reader: reader) }
        return [
            "title": reader.title, "endpoints": endpoints, "hasForm": endpoints.contains { $0["isForm"] as? Bool == true },
            "hasStream": endpoints.contains { $0["isStream"] as? Bool == true },
        ]
    }

    static func endpoint(_ operation: OpenAPIReader.Operation, reader: OpenAPIReader) -> [String: Any] {
        var values: [String: Any] = [
            "summary": operation.summary.replacingOccurrences(of: "\n", with: " "),
            "path": operation.path,
            "quotedPath": CurlExample.shellQuote(operation.path),
            "pathLiteral": JSONValue.string(operation.path).serialized,
            "curlArguments": CurlExample.bodyArguments(operation, reader: reader),
            "isForm": operation.requestBody?.mediaType == "multipart/form-data",
            "isStream": operation.responses.contains { $0.status == "200" && $0.isStream },
        ]
        guard let body = operation.requestBody else {
            values["pythonBody"] = "{}"
            return values
        }
        values["pythonBody"] = pythonLiteral(reader.example(for: body.schema))
        let fields = reader.fields(of: body.schema).filter { $0.required || $0.defaultValue != nil }
        let files = fields.filter { reader.typeName($0.schema) == "file" }
        let texts = fields.filter { reader.typeName($0.schema) != "file" }
        values["pythonFiles"] = "{" + files.map { "\(pythonLiteral(.string($0.name))): (\"example.bin\", b\"example file contents\")" }.joined(separator: ", ") + "}"
        values["pythonFields"] = "{" + texts.map { field in
            let value = reader.example(for: field.schema)
            return "\(pythonLiteral(.string(field.name))): \(pythonLiteral(.string(value.stringValue ?? value.serialized)))"
        }.joined(separator: ", ") + "}"
        return values
    }

    /// `value` as a Python expression (JSON strings are valid Python string literals).
    static func pythonLiteral(_ value: JSONValue) -> String {
        switch value {
        case .null: "None"
        case let .bool(b): b ? "True" : "False"
        case .int, .string: value.serialized
        case let .double(d): d.isFinite ? JSONValue.format(d) : "float(\"nan\")"
        case let .array(items): "[" + items.map(pythonLiteral).joined(separator: ", ") + "]"
        case let .object(fields): "{" + fields.map { "\(pythonLiteral(.string($0.0))): \(pythonLiteral($0.1))" }.joined(separator: ", ") + "}"
        }
    }
}
