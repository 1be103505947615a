import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The model owner's side of the IPC: accepts responder connections on the
/// internal socket, reads framed calls, runs them in arrival order on
/// `maxConcurrency` inference threads, and writes each answer back on the
/// connection it came from.
final class ModelOwnerServer: @unchecked Sendable {
    /// One responder connection. Writes are locked so answers from different
    /// inference threads never interleave on the wire.
    final class Connection: @unchecked Sendable {
        let fd: Int32
        let writeLock = NSLock()
        init(fd: Int32) { self.fd = fd }
        func send(_ bytes: [UInt8]) {
            writeLock.lock()
            _ = UnixSocket.writeAll(fd, bytes)
            writeLock.unlock()
        }
    }

    struct Job {
        let connection: Connection
        let request: IPCFrame.Request
        let enqueuedAt = MonotonicClock.nanoseconds()

        /// When the responder stops waiting (`--request-timeout`), or nil.
        var deadline: UInt64? {
            request.timeoutMilliseconds == 0 ? nil : enqueuedAt + UInt64(request.timeoutMilliseconds) * 1_000_000
        }
    }

    let runner: InferenceRunner
    let endpointCount: Int
    let queue = InferenceQueue<Job>()
    let logger: Logger
    /// `--max-queue`: calls waiting beyond this are refused at once (0: no bound).
    let maxQueue: Int
    let watchdog: StuckCallWatchdog

    let requestTimeout: Double

    init(runner: InferenceRunner, endpointCount: Int, maxQueue: Int, requestTimeout: Double, logger: Logger) {
        self.requestTimeout = requestTimeout
        self.runner = runner
        self.endpointCount = endpointCount
        self.maxQueue = maxQueue
        self.logger = logger
        self.watchdog = StuckCallWatchdog(logger: logger)
    }

    /// Binds the internal socket (mode 0600: only our own user may talk to the
    /// model) and starts the accept and inference threads.
    func start(path: String, concurrency: Int) throws {
        let listenFD = try UnixSocket.listen(path: path, backlog: 512, mode: 0o600)
        UnixSocket.setCloseOnExec(listenFD)
        for slot in 0..<concurrency {
            Thread.detachNewThread { [self] in while true { self.run(queue.pop(), slot: slot) } }
        }
        watchdog.start(slots: concurrency, enabled: requestTimeout > 0)
        Thread.detachNewThread { [self] in
            while true {
                let fd = accept(listenFD, nil, nil)
                if fd < 0 {
                    if errno == EINTR || errno == ECONNABORTED || errno == EMFILE { continue }
                    logger.error("model owner accept failed: \(String(cString: strerror(errno)))")
                    return
                }
                UnixSocket.setCloseOnExec(fd)
                let connection = Connection(fd: fd)
                Thread.detachNewThread { [self] in self.serve(connection) }
            }
        }
    }

    private func serve(_ connection: Connection) {
        while let request = IPCFrame.readRequest(connection.fd) {
            guard queue.push(Job(connection: connection, request: request), limit: maxQueue) else {
                connection.send(IPCFrame.encode(IPCFrame.Response(kind: .error, id: request.id, status: 503, cpuNanoseconds: 0, payload: Array("Overloaded".utf8))))
                continue
            }
        }
        close(connection.fd)
    }

    private func run(_ job: Job, slot: Int) {
        let request = job.request
        let response: IPCFrame.Response
        if let deadline = job.deadline, MonotonicClock.nanoseconds() >= deadline {
            // Its client was already answered 504 while it waited: don't spend the model on it.
            job.connection.send(IPCFrame.encode(IPCFrame.Response(kind: .error, id: request.id, status: 504, cpuNanoseconds: 0, payload: Array("Inference timed out".utf8))))
            return
        }
        guard Int(request.endpoint) < endpointCount else {
            logger.error("request \(String(request.id, radix: 16)) names unknown endpoint \(request.endpoint)")
            job.connection.send(IPCFrame.encode(IPCFrame.Response(kind: .error, id: request.id, status: 500, cpuNanoseconds: 0, payload: Array("Internal Server Error".utf8))))
            return
        }
        logger.debug("request \(String(request.id, radix: 16)) started")
        watchdog.begin(slot: slot, deadline: job.deadline)
        let result = runner.run(endpoint: Int(request.endpoint), input: request.payload, requestID: request.id)
        watchdog.end(slot: slot)
        switch result {
        case let .output(json, cpu):
            response = IPCFrame.Response(kind: .output, id: request.id, status: 200, cpuNanoseconds: cpu, payload: json)
        case let .error(status, detail):
            response = IPCFrame.Response(kind: .error, id: request.id, status: UInt16(status), cpuNanoseconds: 0, payload: Array(detail.utf8))
        }
        job.connection.send(IPCFrame.encode(response))
    }
}
