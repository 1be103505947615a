/// A `curl` command line for one `POST` operation with an example body built from
/// its input schema: shown on `/docs` and rendered into the curl usage examples.
enum CurlExample {
    /// `curl` arguments after the URL (`-H ... -d ...`, or `-F ...` for form data), one per line.
    static func bodyArguments(_ operation: OpenAPIReader.Operation, reader: OpenAPIReader) -> [String] {
        guard let body = operation.requestBody else { return [] }
        if body.mediaType == "multipart/form-data" {
            return reader.fields(of: body.schema).filter { $0.required || $0.defaultValue != nil }.map { field in
                if reader.typeName(field.schema) == "file" { return "-F " + shellQuote("\(field.name)=@example.bin") }
                let value = reader.example(for: field.schema)
                return "-F " + shellQuote("\(field.name)=\(value.stringValue ?? value.serialized)")
            }
        }
        return ["-H " + shellQuote("Content-Type: " + body.mediaType), "-d " + shellQuote(reader.example(for: body.schema).serialized)]
    }

    /// The whole command against `baseURL` (`http://127.0.0.1:8080` or `"$OCTOAI_URL"`).
    static func command(_ operation: OpenAPIReader.Operation, reader: OpenAPIReader, baseURL: String) -> String {
        let lines = ["curl -sS -X POST \(baseURL)\(operation.path)"] + bodyArguments(operation, reader: reader)
        return lines.joined(separator: " \\\n  ")
    }

    /// `'text'` for a POSIX shell, with embedded single quotes closed, escaped and reopened.
    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
