import Foundation

/// The `/docs` page: self-contained HTML generated from the OpenAPI document,
/// no CDN (our users' hosts are often offline).
enum DocsPage {
    static func html(for document: JSONValue) -> String {
        var title = "octoai"
        if case let .string(t)? = document["info"]?["title"] { title = t }
        return """
        <!doctype html><html><head><meta charset="utf-8"><title>\(escape(title)) - docs</title></head>
        <body><h1>\(escape(title))</h1><p>OpenAPI document: <a href="/openapi.json">/openapi.json</a></p>
        <pre>\(escape(document.serialized))</pre></body></html>
        """
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
