import Foundation

/// The `/docs` page: self-contained HTML generated from the OpenAPI document,
/// no scripts and no CDN (our users' hosts are often offline).
enum DocsPage {
    static func html(for document: JSONValue) -> String {
        let reader = OpenAPIReader(document: document)
        let title = escape(reader.title)
        let sections = reader.operations.map { DocsOperationSection(reader: reader, operation: $0) }
        var toc = ""
        for section in sections {
            let operation = section.operation
            toc += "<li><a href=\"#\(section.anchor)\"><span class=\"method \(escape(operation.method))\">\(escape(operation.method))</span>"
            toc += "<span class=\"path\">\(escape(operation.path))</span></a> <span class=\"muted\">\(escape(operation.summary))</span></li>\n"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) - API docs</title>
            <style>
            \(DocsStyle.css)
            </style></head>
            <body>
            <header><h1>\(title)</h1><p>Version \(escape(reader.version)) · OpenAPI document: <a href="/openapi.json">/openapi.json</a>\
             · every answer is JSON; inference answers are <code>{"output": ..., "analytics": {...}}</code></p></header>
            <main>
            <nav><h3>Endpoints</h3><ul>
            \(toc)</ul></nav>
            \(sections.map(\.html).joined())
            \(schemas(reader))
            </main>
            </body></html>

            """
    }

    /// Every component as a field table, the targets of the type links.
    static func schemas(_ reader: OpenAPIReader) -> String {
        let table = DocsSchemaTable(reader: reader)
        var out = "<h2 id=\"schemas\">Schemas</h2>\n"
        for (name, schema) in reader.components {
            out += "<section class=\"op\" id=\"schema-\(anchor(name))\"><h2><span class=\"path\">\(escape(name))</span></h2><div>\n"
            if let description = schema["description"]?.stringValue { out += "<p>\(prose(description))</p>\n" }
            out += table.html(schema) + "</div></section>\n"
        }
        return out
    }

    /// Escapes text for HTML element content and (double- or single-quoted) attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for character in s {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Escaped text with `backtick` spans set as code, as descriptions (doc comments) write them.
    static func prose(_ s: String) -> String {
        let parts = s.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return escape(s) }
        var out = ""
        for (index, part) in parts.enumerated() {
            let text = escape(String(part))
            // Odd parts sit between backticks; an unpaired last backtick stays literal.
            if index % 2 == 1, index < parts.count - 1 { out += "<code>\(text)</code>" } else { out += (index % 2 == 1 ? "`" : "") + text }
        }
        return out
    }

    /// An `id` made of letters, digits and `-` only (`post-/infer` → `post-infer`).
    static func anchor(_ s: String) -> String {
        let mapped = s.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }
        return String(mapped).split(separator: "-").joined(separator: "-")
    }
}
