import Glibc

/// Limits every transport enforces before the router sees a request.
package struct TransportLimits: Sendable {
    /// Largest request body accepted; larger ones get 413 JSON.
    package var maxBodySize: Int
    /// Most request header lines (the `HTTP_*` params nginx forwards); more get 431 JSON.
    package var maxHeaders: Int

    package init(maxBodySize: Int, maxHeaders: Int = ServeDefaults.maxHeaders) {
        self.maxBodySize = maxBodySize
        self.maxHeaders = maxHeaders
    }

    static let bodyTooLarge = HTTPResponse.detail(413, "Request body too large")
    var tooManyHeaders: HTTPResponse { .detail(431, "Too many request headers (limit \(maxHeaders))") }

    /// The answer for a request with `headers` header lines and a body of
    /// `bodySize` bytes, when a limit refuses it (the body is then not read).
    func refusal(headers: Int, bodySize: Int) -> HTTPResponse? {
        if headers > maxHeaders { return tooManyHeaders }
        if bodySize > maxBodySize { return Self.bodyTooLarge }
        return nil
    }

    /// Whether a CGI param name is a forwarded request header.
    static func isHeader(_ name: UnsafePointer<CChar>) -> Bool {
        strncmp(name, "HTTP_", 5) == 0
    }
}
