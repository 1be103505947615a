import Glibc

/// What a transport reads from a request's CGI params, the same way for FastCGI
/// and SCGI (nginx sends both the same `*_params`): the method, path, query,
/// content type and length, and how many header lines came.
package struct CGIRequestHead: Sendable {
    package var method: String
    package var path: String
    package var query: String
    package var contentType: String?
    package var contentLength: Int
    /// The `HTTP_*` params: one per request header line.
    package var headerCount: Int
    /// `X-OctoAI-Async: 1` (or `true`) was sent.
    package var asyncRequested: Bool
    /// `REQUEST_SCHEME://HTTP_HOST`.
    package var origin: String

    /// Reads the params through `param` (a lookup in the transport's own storage).
    /// `contentLength` is the transport's when it has parsed one (SCGI must), else
    /// `CONTENT_LENGTH`'s.
    package init(headerCount: Int, contentLength: Int? = nil, param: (String) -> String?) {
        self.headerCount = headerCount
        method = param("REQUEST_METHOD") ?? "GET"
        query = param("QUERY_STRING") ?? ""
        path = param("DOCUMENT_URI").flatMap { $0.isEmpty ? nil : $0 } ?? HTTPRequest.path(fromRequestURI: param("REQUEST_URI"))
        self.contentType = param("CONTENT_TYPE").flatMap { $0.isEmpty ? nil : $0 }
        self.contentLength = contentLength ?? param("CONTENT_LENGTH").flatMap { Int($0) } ?? 0
        let asyncHeader = param("HTTP_X_OCTOAI_ASYNC")?.lowercased()
        asyncRequested = asyncHeader == "1" || asyncHeader == "true"
        let scheme = param("REQUEST_SCHEME").flatMap { $0 == "https" ? "https" : nil } ?? "http"
        origin = scheme + "://" + (param("HTTP_HOST").flatMap(Self.host) ?? "localhost")
    }

    /// A `Host` value fit to put in a URL (name or address, and port), else nil.
    static func host(_ value: String) -> String? {
        let allowed = value.utf8.allSatisfy { $0 < 0x80 && (isalnum(Int32($0)) != 0 || ".-:[]_".utf8.contains($0)) }
        return allowed && !value.isEmpty && value.utf8.count <= 255 ? value : nil
    }

    /// The request with its body read.
    package func request(body: [UInt8], receivedAt: UInt64, client: ClientConnection?) -> HTTPRequest {
        var request = HTTPRequest(method: method, path: path, query: query, contentType: contentType, body: body, receivedAt: receivedAt, client: client)
        request.asyncRequested = asyncRequested
        request.origin = origin
        return request
    }
}
