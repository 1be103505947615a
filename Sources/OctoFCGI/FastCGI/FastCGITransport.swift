import Atomics
import CFCGI
import Foundation

/// FastCGI over libfcgi (`fcgiapp.h`), the responder's transport.
///
/// Each of `threads` dedicated OS threads (never Swift's cooperative pool: they
/// block in `accept` and `read`) runs its own `FCGX_Accept_r` loop on the shared
/// listening socket. With nginx's `fastcgi_keep_conn on`, a thread stays bound to
/// its nginx connection between requests, so `threads` x workers must cover
/// nginx's upstream `keepalive` (see deploy/nginx.conf).
public final class FastCGITransport: Transport, @unchecked Sendable {
    let listenFD: Int32
    let threads: Int
    let limits: TransportLimits
    private let active = ManagedAtomic<Int>(0)
    private let closing = ManagedAtomic<Bool>(false)

    public func beginClosing() { closing.store(true, ordering: .releasing) }

    public var inFlight: Int { active.load(ordering: .acquiring) }

    public init(listenFD: Int32, threads: Int, limits: TransportLimits) {
        self.listenFD = listenFD
        self.threads = max(1, threads)
        self.limits = limits
    }

    /// `FCGX_Init` must run after ``SignalPolicy/install()``: it installs its own
    /// handlers for SIGPIPE, SIGUSR1 and SIGTERM wherever it finds the default.
    public func start(handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        guard FCGX_Init() == 0 else { throw ConfigurationError("FCGX_Init failed") }
        for _ in 0..<threads {
            let thread = Thread { [self] in self.acceptLoop(handler) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func acceptLoop(_ handler: @Sendable (HTTPRequest) -> HTTPResponse) {
        var request = FCGX_Request()
        guard FCGX_InitRequest(&request, listenFD, 0) == 0 else { return }
        // A negative result means the listening socket was shut down (draining) or broke.
        while FCGX_Accept_r(&request) >= 0 {
            active.wrappingIncrement(ordering: .acquiringAndReleasing)
            serve(&request, handler)
            // Close this connection after the answer (instead of waiting on it for
            // nginx's next request) when draining, so nginx does not reuse a connection
            // to a process that is leaving; and when new connections are queued on the
            // socket, so a thread pinned to a busy kept connection cannot leave them
            // waiting unserved: threads rotate to the backlog.
            if closing.load(ordering: .acquiring) || connectionsAreWaiting() { request.keepConnection = 0 }
            FCGX_Finish_r(&request)
            active.wrappingDecrement(ordering: .acquiringAndReleasing)
        }
    }

    private func serve(_ request: inout FCGX_Request, _ handler: @Sendable (HTTPRequest) -> HTTPResponse) {
        let receivedAt = MonotonicClock.nanoseconds()
        // Params live in libfcgi's buffers until FCGX_Finish_r: copy them out now.
        let method = param("REQUEST_METHOD", request.envp) ?? "GET"
        let query = param("QUERY_STRING", request.envp) ?? ""
        let path = param("DOCUMENT_URI", request.envp) ?? Self.path(fromRequestURI: param("REQUEST_URI", request.envp))
        let contentType = param("CONTENT_TYPE", request.envp).flatMap { $0.isEmpty ? nil : $0 }
        let length = param("CONTENT_LENGTH", request.envp).flatMap { Int($0) } ?? 0

        let response: HTTPResponse
        if length > limits.maxBodySize {
            discardInput(request.in)
            response = TransportLimits.bodyTooLarge
        } else {
            let body = readBody(request.in, expected: length)
            response = handler(HTTPRequest(method: method, path: path, query: query, contentType: contentType, body: body, receivedAt: receivedAt))
        }
        write(response, head: method == "HEAD", to: request.out)
    }

    /// True when the listening socket has connections no thread has accepted yet.
    private func connectionsAreWaiting() -> Bool {
        var pfd = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, 0) > 0 && pfd.revents & Int16(POLLIN) != 0
    }

    private func param(_ name: String, _ envp: FCGX_ParamArray?) -> String? {
        guard let value = FCGX_GetParam(name, envp) else { return nil }
        return String(cString: value)
    }

    static func path(fromRequestURI uri: String?) -> String {
        guard let uri, !uri.isEmpty else { return "/" }
        return String(uri.prefix { $0 != "?" })
    }

    private func readBody(_ stream: UnsafeMutablePointer<FCGX_Stream>?, expected: Int) -> [UInt8] {
        var body = [UInt8]()
        body.reserveCapacity(expected)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while body.count <= limits.maxBodySize {
            let n = chunk.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { FCGX_GetStr($0, Int32(buffer.count), stream) }
            }
            if n <= 0 { break }
            body.append(contentsOf: chunk[0..<Int(n)])
        }
        return body
    }

    private func discardInput(_ stream: UnsafeMutablePointer<FCGX_Stream>?) {
        var chunk = [CChar](repeating: 0, count: 64 * 1024)
        while chunk.withUnsafeMutableBufferPointer({ FCGX_GetStr($0.baseAddress!, Int32($0.count), stream) }) > 0 {}
    }

    private func write(_ response: HTTPResponse, head: Bool, to stream: UnsafeMutablePointer<FCGX_Stream>?) {
        var bytes = response.cgiHead(extraHeaders: [])
        if !head { bytes.append(contentsOf: response.body) }
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                _ = FCGX_PutStr($0, Int32(buffer.count), stream)
            }
        }
    }
}
