/// One answer, independent of the transport that writes it.
package struct HTTPResponse: Sendable {
    package var status: Int
    /// Headers besides `Status`, `Content-Type` and `Content-Length`.
    package var headers: [(String, String)]
    package var contentType: String
    package var body: [UInt8]
    /// A body written as it is produced (then ``body`` is empty and the head has
    /// no `Content-Length`), or nil.
    package var stream: ResponseStream?

    package init(status: Int, contentType: String = "application/json", headers: [(String, String)] = [], body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// A streamed answer: the head now, then whatever `stream` writes.
    package init(status: Int, contentType: String, headers: [(String, String)], stream: ResponseStream) {
        self.init(status: status, contentType: contentType, headers: headers + [("X-Accel-Buffering", "no")], body: [])
        self.stream = stream
    }

    /// A JSON answer.
    package static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: value.bytes)
    }

    /// `{"detail": message}`, FastAPI's error shape.
    package static func detail(_ status: Int, _ message: String, headers: [(String, String)] = []) -> HTTPResponse {
        json(status, ["detail": .string(message)], headers: headers)
    }

    /// 499 (nginx's code for a client that closed its connection): the answer to
    /// a request dropped, unrun, because its client went away. Nobody reads it;
    /// it is what the logs and `/metrics` count.
    package static let clientClosedRequest = detail(499, "Client closed request")

    /// The CGI response head (`Status:` line and headers) both transports write,
    /// assembled as bytes: it is written for every answer, and building it through
    /// string interpolation cost more than the rest of the write (`bench/PROFILE.md`).
    package func cgiHead(extraHeaders: [(String, String)]) -> [UInt8] {
        var head: [UInt8] = []
        head.reserveCapacity(96 + contentType.utf8.count)
        head.append(contentsOf: "Status: ".utf8)
        HTTPResponse.appendDecimal(status, to: &head)
        head.append(0x20)
        head.append(contentsOf: HTTPResponse.reason(status).utf8)
        head.append(contentsOf: "\r\nContent-Type: ".utf8)
        head.append(contentsOf: contentType.utf8)
        head.append(contentsOf: "\r\n".utf8)
        if stream == nil {
            head.append(contentsOf: "Content-Length: ".utf8)
            HTTPResponse.appendDecimal(body.count, to: &head)
            head.append(contentsOf: "\r\n".utf8)
        }
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

    /// The reason phrase of `status`: the IANA registry's (422 keeps FastAPI's
    /// "Unprocessable Entity", 499 is nginx's own), else the phrase of its class.
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 102: "Processing"
        case 103: "Early Hints"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 203: "Non-Authoritative Information"
        case 204: "No Content"
        case 205: "Reset Content"
        case 206: "Partial Content"
        case 207: "Multi-Status"
        case 208: "Already Reported"
        case 226: "IM Used"
        case 300: "Multiple Choices"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 305: "Use Proxy"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 407: "Proxy Authentication Required"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 416: "Range Not Satisfiable"
        case 417: "Expectation Failed"
        case 421: "Misdirected Request"
        case 422: "Unprocessable Entity"
        case 423: "Locked"
        case 424: "Failed Dependency"
        case 425: "Too Early"
        case 426: "Upgrade Required"
        case 428: "Precondition Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 451: "Unavailable For Legal Reasons"
        case 499: "Client Closed Request"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        case 506: "Variant Also Negotiates"
        case 507: "Insufficient Storage"
        case 508: "Loop Detected"
        case 510: "Not Extended"
        case 511: "Network Authentication Required"
        case 100..<200: "Informational"
        case 200..<300: "Success"
        case 300..<400: "Redirection"
        case 400..<500: "Client Error"
        default: "Server Error"
        }
    }
}
