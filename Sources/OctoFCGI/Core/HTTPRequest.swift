/// One request as a transport hands it over, independent of FastCGI or SCGI.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, ... as nginx forwarded it.
    public var method: String
    /// The decoded path without the query (`DOCUMENT_URI`).
    public var path: String
    /// The raw query string, without `?` (empty when none).
    public var query: String
    /// `CONTENT_TYPE`, when the client sent one.
    public var contentType: String?
    /// The request body, fully read.
    public var body: [UInt8]
    /// Monotonic time (ns) the transport received the request: the start of
    /// `analytics.performance_time_ms`.
    public var receivedAt: UInt64
    /// The connection it came on, so inference can be dropped if the client goes
    /// away while the request waits (nil: not watched).
    public var client: ClientConnection?

    public init(
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
    public static func path(fromRequestURI uri: String?) -> String {
        guard let uri, !uri.isEmpty else { return "/" }
        return String(uri.prefix { $0 != "?" })
    }
}
