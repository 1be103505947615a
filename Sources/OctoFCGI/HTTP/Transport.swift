/// A way requests arrive from nginx (FastCGI, SCGI): the seam that lets the
/// supervisor, the router and the tests ignore which one is in use.
public protocol Transport: AnyObject, Sendable {
    /// Starts the accept threads on the already-listening socket. Returns at once.
    func start(handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws
    /// Requests received and not yet fully answered (for draining).
    var inFlight: Int { get }
}

/// Limits every transport enforces before the router sees a request.
public struct TransportLimits: Sendable {
    /// Largest request body accepted; larger ones get 413 JSON.
    public var maxBodySize: Int
    public init(maxBodySize: Int) { self.maxBodySize = maxBodySize }

    static let bodyTooLarge = HTTPResponse.detail(413, "Request body too large")
}
