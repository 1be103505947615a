#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A way requests arrive from nginx (FastCGI, SCGI): the seam that lets the
/// supervisor, the router and the tests ignore which one is in use.
public protocol Transport: AnyObject, Sendable {
    /// Starts the accept threads on the already-listening socket. Returns at once.
    func start(handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws
    /// Requests received and not yet fully answered (for draining).
    var inFlight: Int { get }
    /// From now on, close each connection after the answer in progress instead of
    /// keeping it for nginx's next request (the process is about to exit).
    func beginClosing()
}

/// Limits every transport enforces before the router sees a request.
public struct TransportLimits: Sendable {
    /// Largest request body accepted; larger ones get 413 JSON.
    public var maxBodySize: Int
    /// Most request header lines (the `HTTP_*` params nginx forwards); more get 431 JSON.
    public var maxHeaders: Int

    public init(maxBodySize: Int, maxHeaders: Int = ServeDefaults.maxHeaders) {
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
