/// A way requests arrive from nginx (FastCGI, SCGI): the seam that lets the
/// supervisor, the router and the tests ignore which one is in use.
package protocol Transport: AnyObject, Sendable {
    /// Starts the accept threads on the already-listening socket. Returns at once.
    func start(handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws
    /// Requests received and not yet fully answered (for draining).
    var inFlight: Int { get }
    /// From now on, close each connection after the answer in progress instead of
    /// keeping it for nginx's next request (the process is about to exit).
    func beginClosing()
}
