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
    }

    /// The request with its body read.
    package func request(body: [UInt8], receivedAt: UInt64, client: ClientConnection?) -> HTTPRequest {
        HTTPRequest(method: method, path: path, query: query, contentType: contentType, body: body, receivedAt: receivedAt, client: client)
    }
}
