/// Builds `multipart/form-data` bodies for tests, as a browser or curl would.
struct Multipart {
    static let boundary = "----octoai-test-boundary-7MA4YWxkTrZu0gW"
    static var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    enum Part {
        case text(name: String, value: String)
        case file(name: String, filename: String, contentType: String, data: [UInt8])
    }

    static func body(_ parts: [Part]) -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            out += Array("--\(boundary)\r\n".utf8)
            switch part {
            case let .text(name, value):
                out += Array("Content-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
            case let .file(name, filename, contentType, data):
                out += Array("Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
                out += data
                out += Array("\r\n".utf8)
            }
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }
}

extension HTTPClient {
    func postForm(_ path: String, _ parts: [Multipart.Part]) throws -> Response {
        try send("POST", path, body: Multipart.body(parts), headers: ["Content-Type": Multipart.contentType])
    }
}
