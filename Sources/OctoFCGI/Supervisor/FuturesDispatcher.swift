import Foundation
import Logging
import Synchronization

import Glibc

/// Runs the futures responders store (``FutureStore``): it lives in the
/// supervisor, the one process that outlives responders, reloads and model-owner
/// restarts, and sends each pending call to the serving generation's model owner
/// as a responder would (through a ``Router``'s ``Router/perform(endpoint:input:request:)``,
/// so the stored answer is exactly what the call would have answered).
///
/// Threads of its own, apart from the supervisor's event loop: one waits for
/// responders' announcements (a datagram per new future) and looks at the store
/// every second (expired results, calls whose announcement was lost); `workers`
/// threads send calls, at most that many at a time, so futures wait their turn in
/// the store rather than fill the model owner's queue. A call whose model owner
/// dies gets the 503 any call gets then: the future fails, never stays `running`.
final class FuturesDispatcher: Sendable {
    let store: FutureStore
    private let makeRouter: @Sendable (_ ownerSocket: String) -> Router
    private let status: SharedStatus
    private let logger: Logger
    /// The serving generation's model-owner socket and the router speaking to it.
    private let current: Mutex<(socket: String, router: Router?)>
    /// Announced ids not yet taken by a worker, and the ids queued or running (never queued twice).
    private let queue = Mutex<(waiting: [String], known: Set<String>)>(([], []))
    private let available = DispatchSemaphore(value: 0)

    init(store: FutureStore, ownerSocket: String, status: SharedStatus, logger: Logger, makeRouter: @escaping @Sendable (String) -> Router) {
        self.store = store
        self.status = status
        self.logger = logger
        self.makeRouter = makeRouter
        self.current = Mutex((ownerSocket, nil))
    }

    /// Binds the announcement socket and starts the threads.
    func start(workers: Int) throws {
        try store.create()
        unlink(store.dispatchSocket)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = try UnixSocket.address(store.dispatchSocket)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard fd >= 0, bound == 0 else { throw UnixSocket.Failure(call: "bind \(store.dispatchSocket)", code: errno) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        Self.detach { [self] in listen(fd) }
        for _ in 0..<max(1, workers) { Self.detach { [self] in work() } }
    }

    /// A reload's new generation took over: calls from now on go to its model owner.
    func ownerChanged(to socket: String) {
        current.withLock { $0 = (socket, nil) }
    }

    /// Threads that never take the supervisor's signals (its event loop does).
    private static func detach(_ body: @escaping @Sendable () -> Void) {
        var all = sigset_t()
        sigfillset(&all)
        var old = sigset_t()
        pthread_sigmask(SIG_BLOCK, &all, &old)
        Thread.detachNewThread(body)
        pthread_sigmask(SIG_SETMASK, &old, nil)
    }

    private func listen(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        var lastLook = 0.0
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { enqueue([String(decoding: buffer[0..<n], as: UTF8.self)]) }
            let now = Date().timeIntervalSince1970
            guard now - lastLook >= 1 else { continue }
            lastLook = now
            store.sweep()
            enqueue(store.unsent())
        }
    }

    private func enqueue(_ ids: [String]) {
        let added = queue.withLock { queue in
            var added = 0
            for id in ids where FutureStore.isValid(id) && queue.known.insert(id).inserted {
                queue.waiting.append(id)
                added += 1
            }
            return added
        }
        for _ in 0..<added { available.signal() }
    }

    private func work() {
        while true {
            available.wait()
            guard let id = queue.withLock({ $0.waiting.isEmpty ? nil : $0.waiting.removeFirst() }) else { continue }
            // While the model is down (restarting, a reload's setup), waiting beats failing.
            while status.state != .running { usleep(50_000) }
            run(id)
            _ = queue.withLock { $0.known.remove(id) }
        }
    }

    private func run(_ id: String) {
        guard let call = store.call(id) else { return }
        store.markRunning(id)
        let router = currentRouter()
        let waited = max(0, Date().timeIntervalSince1970 - call.submittedAt)
        var request = HTTPRequest(method: "POST", path: "", receivedAt: MonotonicClock.nanoseconds() &- UInt64(waited * 1e9))
        request.client = nil
        let answer = router.perform(endpoint: call.endpoint, input: call.input, request: request).collected()
        store.finish(id, with: answer)
        logger.debug("future \(id) finished: \(answer.status)")
    }

    private func currentRouter() -> Router {
        current.withLock { current in
            if let router = current.router { return router }
            let router = makeRouter(current.socket)
            current.router = router
            return router
        }
    }
}
