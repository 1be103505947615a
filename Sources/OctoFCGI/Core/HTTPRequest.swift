/// One request as a transport hands it over, independent of FastCGI or SCGI.
package struct HTTPRequest: Sendable {
    /// `GET`, `POST`, ... as nginx forwarded it.
    package var method: String
    /// The decoded path without the query (`DOCUMENT_URI`).
    package var path: String
    /// The raw query string, without `?` (empty when none).
    package var query: String
    /// `CONTENT_TYPE`, when the client sent one.
    package var contentType: String?
    /// The request body, fully read.
    package var body: [UInt8]
    /// Monotonic time (ns) the transport received the request: the start of
    /// `analytics.performance_time_ms`.
    package var receivedAt: UInt64
    /// The connection it came on, so inference can be dropped if the client goes
    /// away while the request waits (nil: not watched).
    package var client: ClientConnection?
    /// `X-OctoAI-Async: 1`: answer at once with a future to poll (CONTRACT §8).
    package var asyncRequested = false
    /// `scheme://host[:port]` as the client reached nginx (`REQUEST_SCHEME` and
    /// `HTTP_HOST`), for the absolute URLs of a future.
    package var origin = "http://localhost"

    package init(
        method: String, path: String, query: String = "", contentType: String? = nil, body: [UInt8] = [], receivedAt: UInt64 = MonotonicClock.nanoseconds(),
        client: ClientConnection? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.contentType = contentType
        self.body = body
        self.receivedAt = receivedAt
        self.client = client
    }

    /// The path of a `REQUEST_URI` without its query: what a transport uses when
    /// nginx sent no `DOCUMENT_URI` (`/` for none).
    package static func path(fromRequestURI uri: String?) -> String {
        guard let uri, !uri.isEmpty else { return "/" }
        return String(uri.prefix { $0 != "?" })
    }
}
