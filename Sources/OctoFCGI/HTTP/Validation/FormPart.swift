import MultipartKit

/// One part of a `multipart/form-data` body, as multipart-kit's streaming parser
/// delivers it: its headers, then its bytes.
struct FormPart {
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    /// The `name` and `filename` of `Content-Disposition: form-data; name="x"; filename="y"`.
    var disposition: (name: String?, filename: String?) {
        guard let value = headers.first(where: { $0.0.lowercased() == "content-disposition" })?.1 else { return (nil, nil) }
        let parameters = FormPart.parameters(value)
        return (parameters["name"], parameters["filename"])
    }

    var contentType: String? { headers.first { $0.0.lowercased() == "content-type" }?.1 }

    /// Parses every part of `body`; nil when it is not valid multipart.
    static func parse(_ body: [UInt8], boundary: String) -> [FormPart]? {
        let parser = MultipartParser(boundary: boundary)
        var parts: [FormPart] = []
        var current = FormPart()
        var complete = false
        parser.onHeader = { name, value in current.headers.append((name, value)) }
        parser.onBody = { buffer in current.body.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            parts.append(current)
            current = FormPart()
            complete = true
        }
        do { try parser.execute(body) } catch { return nil }
        return complete ? parts : nil
    }

    /// `; key=value` / `; key="quoted value"` parameters of a header value.
    static func parameters(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(header)
        while let semicolon = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semicolon)...].drop { $0 == " " || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingSpaces().lowercased()
            var value = rest[rest.index(after: equals)...]
            if value.first == "\"" {
                value = value.dropFirst()
                var text = ""
                var escaped = false
                var end = value.endIndex
                for index in value.indices {
                    let c = value[index]
                    if escaped { text.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { end = index; break } else { text.append(c) }
                }
                result[key] = text
                rest = end < value.endIndex ? value[value.index(after: end)...] : ""
            } else {
                let end = value.firstIndex(of: ";") ?? value.endIndex
                result[key] = String(value[..<end].trimmingSpaces())
                rest = value[end...]
            }
        }
        return result
    }

    /// The boundary of a `multipart/form-data` content type, or nil for anything else.
    static func boundary(contentType: String?) -> String? {
        guard let contentType else { return nil }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces().lowercased() }
        guard mediaType == "multipart/form-data", let boundary = parameters(contentType)["boundary"], !boundary.isEmpty else { return nil }
        return boundary
    }
}
