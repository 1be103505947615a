import Atomics
import CFCGI
import Foundation

/// FastCGI over libfcgi (`fcgiapp.h`), the responder's transport.
///
/// Each of `threads` dedicated OS threads (never Swift's cooperative pool: they
/// block in `accept` and `read`) runs its own `FCGX_Accept_r` loop on the shared
/// listening socket. With nginx's `fastcgi_keep_conn on`, a thread stays bound to
/// its nginx connection between requests; the transport grows past `threads`
/// when all are pinned so a new connection is never starved (see `acceptLoop`).
/// deploy/nginx.conf lets nginx keep up to 4 x `threads` connections: fewer
/// than it has requests in flight, and it would open one per request instead.
package final class FastCGITransport: Transport {
    let listenFD: Int32
    let threads: Int
    let limits: TransportLimits
    private let active = ManagedAtomic<Int>(0)
    private let closing = ManagedAtomic<Bool>(false)
    /// Accept threads alive, and those waiting for a new connection (not pinned to one).
    private let total = ManagedAtomic<Int>(0)
    private let spare = ManagedAtomic<Int>(0)

    package func beginClosing() { closing.store(true, ordering: .releasing) }

    package var inFlight: Int { active.load(ordering: .acquiring) }

    package init(listenFD: Int32, threads: Int, limits: TransportLimits) {
        self.listenFD = listenFD
        self.threads = max(1, threads)
        self.limits = limits
    }

    /// `FCGX_Init` must run after ``SignalPolicy/install()``: it installs its own
    /// handlers for SIGPIPE, SIGUSR1 and SIGTERM wherever it finds the default.
    package func start(handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        guard FCGX_Init() == 0 else { throw ConfigurationError("FCGX_Init failed") }
        for _ in 0..<threads { spawnThread(handler) }
    }

    /// Threads this transport may grow to when nginx holds more connections than
    /// `threads` (each kept connection pins one).
    var maxThreads: Int { max(threads * 8, 64) }

    private func spawnThread(_ handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        total.wrappingIncrement(ordering: .acquiringAndReleasing)
        let thread = Thread { [self] in self.acceptLoop(handler) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// One thread's requests. With `fastcgi_keep_conn`, after an answer the thread
    /// waits on the same nginx connection for its next request: it is pinned. So
    /// that a new connection is never left waiting behind pinned threads (and
    /// connections are never closed under nginx, which would fail the request it
    /// may be sending on it), one thread always waits in `accept`: when the last
    /// one is about to be pinned, another is started, up to ``maxThreads``. Threads
    /// beyond `threads` leave when their connection ends and others are accepting.
    private func acceptLoop(_ handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        var request = FCGX_Request()
        guard FCGX_InitRequest(&request, listenFD, 0) == 0 else {
            total.wrappingDecrement(ordering: .acquiringAndReleasing)
            return
        }
        while true {
            if request.ipcFd >= 0 {
                // Pinned to a kept connection: some other thread must be accepting meanwhile.
                if spare.load(ordering: .acquiring) == 0, total.load(ordering: .acquiring) < maxThreads {
                    spawnThread(handler)
                }
                if !Self.nextRequestArrives(on: request.ipcFd) {
                    // nginx closed the kept connection. Letting go of it here, rather than
                    // inside FCGX_Accept_r (which would quietly go on to accept), keeps this
                    // thread counted as free: otherwise every pinned thread whose connection
                    // nginx dropped looked busy, others saw no spare thread and started one,
                    // and a burst of new connections left 128 threads behind.
                    FCGX_Free(&request, 1)
                    if total.load(ordering: .acquiring) > threads, spare.load(ordering: .acquiring) > 0 { break }
                }
            }
            let accepting = request.ipcFd < 0
            if accepting { spare.wrappingIncrement(ordering: .acquiringAndReleasing) }
            let rc = FCGX_Accept_r(&request)
            if accepting { spare.wrappingDecrement(ordering: .acquiringAndReleasing) }
            // A negative result means the listening socket was shut down (draining) or broke.
            guard rc >= 0 else { break }
            active.wrappingIncrement(ordering: .acquiringAndReleasing)
            serve(&request, handler)
            // Draining: the answer goes out, then the connection closes, so nginx
            // does not keep (and later reuse) a connection to a process that is leaving.
            if closing.load(ordering: .acquiring) { request.keepConnection = 0 }
            FCGX_Finish_r(&request)
            active.wrappingDecrement(ordering: .acquiringAndReleasing)
            if request.ipcFd < 0, total.load(ordering: .acquiring) > threads, spare.load(ordering: .acquiring) > 0 { break }
        }
        total.wrappingDecrement(ordering: .acquiringAndReleasing)
    }

    /// Waits on a kept connection until nginx sends its next request (true) or
    /// closes it (false), without consuming anything: libfcgi reads the request.
    /// It waits in `poll` (``UnixSocket/receive(_:_:_:flags:)`` says why): a
    /// `recv` blocked here was woken once more per request, when nginx read the
    /// answer just sent.
    static func nextRequestArrives(on fd: Int32) -> Bool {
        var byte: UInt8 = 0
        return UnixSocket.receive(fd, &byte, 1, flags: Int32(MSG_PEEK)) > 0
    }

    private func serve(_ request: inout FCGX_Request, _ handler: @Sendable (HTTPRequest) -> HTTPResponse) {
        let receivedAt = MonotonicClock.nanoseconds()
        // Params live in libfcgi's buffers until FCGX_Finish_r: the head copies them out now.
        let envp = request.envp
        let head = CGIRequestHead(headerCount: Self.headerCount(envp)) { name in FCGX_GetParam(name, envp).map { String(cString: $0) } }
        let input = request.in
        let answer = RequestCycle.answer(
            head, limits: limits, receivedAt: receivedAt, client: ClientConnection(fd: request.ipcFd),
            discardBody: { discardInput(input) }, readBody: { readBody(input, expected: head.contentLength) }, handler: handler)
        let out = request.out
        _ = Self.put(answer.bytes, out)
        guard let stream = answer.stream else { return }
        // Each piece of a streamed answer leaves libfcgi's buffer at once (as a
        // FastCGI STDOUT record); a write that fails means nginx, so the client, is gone.
        guard FCGX_FFlush(out) == 0 else { return }
        stream.produce { bytes in Self.put(bytes, out) && FCGX_FFlush(out) == 0 }
    }

    /// Appends `bytes` to libfcgi's output buffer (which writes it out when full).
    private static func put(_ bytes: [UInt8], _ out: UnsafeMutablePointer<FCGX_Stream>?) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { FCGX_PutStr($0, Int32(buffer.count), out) } == Int32(buffer.count)
        }
    }

    /// The request's header lines: the `HTTP_*` params among `NAME=value` entries.
    static func headerCount(_ envp: FCGX_ParamArray?) -> Int {
        guard var entry = envp else { return 0 }
        var count = 0
        while let pair = entry.pointee {
            if TransportLimits.isHeader(pair) { count += 1 }
            entry += 1
        }
        return count
    }

    private func readBody(_ stream: UnsafeMutablePointer<FCGX_Stream>?, expected: Int) -> [UInt8] {
        // The usual case (nginx always sends CONTENT_LENGTH): read straight into
        // the body's own storage, no intermediate buffer to allocate and zero
        // (an upload's in huge pages, see ``LargeBuffer``).
        if expected > 0 {
            return LargeBuffer.make(count: expected) { buffer in
                var count = 0
                while count < expected {
                    let n = (buffer.baseAddress! + count).withMemoryRebound(to: CChar.self, capacity: expected - count) {
                        FCGX_GetStr($0, Int32(expected - count), stream)
                    }
                    if n <= 0 { break }
                    count += Int(n)
                }
                return count
            }
        }
        var body = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
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
}
