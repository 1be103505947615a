/// One answer, independent of the transport that writes it.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Headers besides `Status`, `Content-Type` and `Content-Length`.
    public var headers: [(String, String)]
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, contentType: String = "application/json", headers: [(String, String)] = [], body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// A JSON answer.
    public static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: value.bytes)
    }

    /// `{"detail": message}`, FastAPI's error shape.
    public static func detail(_ status: Int, _ message: String, headers: [(String, String)] = []) -> HTTPResponse {
        json(status, ["detail": .string(message)], headers: headers)
    }

    /// 499 (nginx's code for a client that closed its connection): the answer to
    /// a request dropped, unrun, because its client went away. Nobody reads it;
    /// it is what the logs and `/metrics` count.
    public static let clientClosedRequest = detail(499, "Client closed request")

    /// The CGI response head (`Status:` line and headers) both transports write,
    /// assembled as bytes: it is written for every answer, and building it through
    /// string interpolation cost more than the rest of the write (`bench/PROFILE.md`).
    public func cgiHead(extraHeaders: [(String, String)]) -> [UInt8] {
        var head: [UInt8] = []
        head.reserveCapacity(96 + contentType.utf8.count)
        head.append(contentsOf: "Status: ".utf8)
        HTTPResponse.appendDecimal(status, to: &head)
        head.append(0x20)
        head.append(contentsOf: HTTPResponse.reason(status).utf8)
        head.append(contentsOf: "\r\nContent-Type: ".utf8)
        head.append(contentsOf: contentType.utf8)
        head.append(contentsOf: "\r\nContent-Length: ".utf8)
        HTTPResponse.appendDecimal(body.count, to: &head)
        head.append(contentsOf: "\r\n".utf8)
        for (name, value) in headers { HTTPResponse.appendHeader(name, value, to: &head) }
        for (name, value) in extraHeaders { HTTPResponse.appendHeader(name, value, to: &head) }
        head.append(contentsOf: "\r\n".utf8)
        return head
    }

    static func appendHeader(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: ": ".utf8)
        out.append(contentsOf: value.utf8)
        out.append(contentsOf: "\r\n".utf8)
    }

    /// Appends the decimal digits of `value` (>= 0; negative values are written as 0).
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value > 0 else { return out.append(0x30) }
        let start = out.count
        var rest = value
        while rest > 0 {
            out.append(0x30 + UInt8(rest % 10))
            rest /= 10
        }
        out[start...].reverse()
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 307: "Temporary Redirect"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 422: "Unprocessable Entity"
        case 431: "Request Header Fields Too Large"
        case 499: "Client Closed Request"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status"
        }
    }
}
