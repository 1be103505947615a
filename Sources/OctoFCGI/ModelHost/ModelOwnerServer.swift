import CoreMetrics
import Foundation
import Logging
import Synchronization

import Glibc

/// The model owner's side of the IPC: accepts responder connections on the
/// internal socket, reads framed calls, runs them in arrival order on
/// `maxConcurrency` inference threads, and writes each answer back on the
/// connection it came from.
final class ModelOwnerServer: Sendable {
    /// One responder connection. Writes are locked so answers from different
    /// inference threads never interleave on the wire. The descriptor is closed
    /// when the last job holding the connection is done, never earlier: a number
    /// closed while a job still meant to answer on it could be reused by a new
    /// connection, and the answer would go to the wrong responder.
    final class Connection: Sendable {
        let fd: Int32
        /// Held while an answer is written: the right to write on `fd`.
        private let writing = Mutex(())
        init(fd: Int32) { self.fd = fd }
        deinit { close(fd) }
        /// Writes one frame; false when the responder has closed the connection.
        @discardableResult
        func send(_ bytes: [UInt8]) -> Bool {
            writing.withLock { _ in UnixSocket.writeAll(fd, bytes) }
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
    let queue: DynamicBatcher<Job>
    let logger: Logger
    /// `--max-queue`: calls waiting beyond this are refused at once (0: no bound).
    let maxQueue: Int
    let watchdog: StuckCallWatchdog
    /// Queue, wait, inference, batch and cancellation figures (swift-metrics).
    let metrics = ModelOwnerMetrics()

    let requestTimeout: Double
    /// How many calls (or batches) may run at once: the service's or `--model-concurrency`.
    let concurrency: Int

    /// `batching`: the largest `inferBatch` call and how long to wait for one to
    /// fill (nil: every call runs alone).
    init(
        runner: InferenceRunner, endpointCount: Int, maxQueue: Int, requestTimeout: Double, batching: (size: Int, delay: Double)?,
        concurrency: Int, logger: Logger
    ) {
        self.concurrency = max(1, concurrency)
        self.requestTimeout = requestTimeout
        // Only `/infer` (endpoint 0) calls go through `inferBatch`.
        self.queue = DynamicBatcher(maxSize: batching?.size ?? 1, maxDelay: batching?.delay ?? 0, concurrency: self.concurrency) {
            $0.request.endpoint == 0
        }
        self.runner = runner
        self.endpointCount = endpointCount
        self.maxQueue = maxQueue
        self.logger = logger
        self.watchdog = StuckCallWatchdog(slots: self.concurrency, logger: logger, process: "model owner")
    }

    /// Binds the internal socket (mode 0600: only our own user may talk to the
    /// model) and starts the accept and inference threads.
    func start(path: String) throws {
        let listenFD = try UnixSocket.listen(path: path, backlog: 512, mode: 0o600)
        UnixSocket.setCloseOnExec(listenFD)
        for _ in 0..<concurrency {
            Thread.detachNewThread { [self] in
                while true {
                    let (batch, slot) = queue.nextBatch()
                    let answers = run(batch, slot: slot)
                    queue.finished(slot: slot)
                    Self.reply(answers)
                }
            }
        }
        watchdog.start(enabled: requestTimeout > 0)
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
        let reader = IPCFrameReader(fd: connection.fd)
        let host = runner.host
        while let message = IPCFrame.readMessage(reader, isForm: { host.isForm(endpoint: Int($0)) }) {
            switch message {
            case let .call(request):
                let job = Job(connection: connection, request: request)
                if let slot = queue.claimInline(for: job) {
                    // Nothing waits and the model is free: run it here, without a hand-off.
                    let answers = run([job], slot: slot)
                    queue.finished(slot: slot)
                    Self.reply(answers)
                } else if !queue.push(job, limit: maxQueue) {
                    job.reply(.error(status: 503, detail: "Overloaded"))
                }
            case let .cancel(id):
                drop(because: "its client went away") { $0.connection === connection && $0.request.id == id }
            }
            metrics.queueDepth.set(queue.count)
        }
        // The responder closed (its client went away, it timed out, or it died):
        // nobody waits for what this connection still has queued.
        drop(because: "its responder closed the connection") { $0.connection === connection }
        metrics.queueDepth.set(queue.count)
    }

    /// Takes the matching calls out of the queue unrun, and counts them.
    private func drop(because reason: String, where matches: (Job) -> Bool) {
        for job in queue.remove(where: matches) {
            metrics.cancelled.increment()
            logger.debug("request \(String(job.request.id, radix: 16)) dropped before it ran: \(reason)")
        }
    }

    /// Sends answers back, once the slot that produced them is free again.
    /// Why after: the next call (or batch) need not wait for the `send`s, one per
    /// answer, 32 after a full batch.
    private static func reply(_ answers: [(Job, InferenceRunner.Result)]) {
        for (job, result) in answers { job.reply(result) }
    }

    /// Answers what cannot run (expired, unknown endpoint) at once and runs the
    /// rest, alone or as one `inferBatch` call; returns their answers, to send
    /// after the slot is given back.
    private func run(_ batch: [Job], slot: Int) -> [(Job, InferenceRunner.Result)] {
        let now = MonotonicClock.nanoseconds()
        metrics.queueDepth.set(queue.count)
        var runnable: [Job] = []
        for job in batch {
            if let deadline = job.deadline, now >= deadline {
                // Its client was already answered 504 while it waited: don't spend the model on it.
                job.reply(.error(status: 504, detail: "Inference timed out"))
            } else if Int(job.request.endpoint) >= endpointCount {
                logger.error("request \(String(job.request.id, radix: 16)) names unknown endpoint \(job.request.endpoint)")
                job.reply(.error(status: 500, detail: "Internal Server Error"))
            } else {
                logger.debug("request \(String(job.request.id, radix: 16)) started")
                runnable.append(job)
            }
        }
        guard !runnable.isEmpty else { return [] }
        for job in runnable { metrics.queueWait.recordNanoseconds(Int64(truncatingIfNeeded: now &- job.enqueuedAt)) }
        metrics.batchSize.record(runnable.count)
        watchdog.begin(slot: slot, deadline: runnable.compactMap(\.deadline).min())
        let results: [InferenceRunner.Result]
        if runnable.count == 1, runner.host.isStream(endpoint: Int(runnable[0].request.endpoint)) {
            results = [stream(runnable[0], slot: slot)]
        } else if runnable.count == 1 {
            let request = runnable[0].request
            results = [runner.run(endpoint: Int(request.endpoint), input: request.payload, files: request.files, requestID: request.id)]
        } else {
            results = runner.runBatch(inputs: runnable.map(\.request.payload), requestIDs: runnable.map(\.request.id))
        }
        watchdog.end(slot: slot)
        metrics.inference.recordNanoseconds(Int64(truncatingIfNeeded: MonotonicClock.nanoseconds() &- now))
        return Array(zip(runnable, results))
    }
}

extension ModelOwnerServer {
    /// Runs a streaming call, each item sent on its connection as it comes. The
    /// watchdog's deadline restarts with every item: `--request-timeout` bounds
    /// the gap between items, not the length of the stream.
    private func stream(_ job: Job, slot: Int) -> InferenceRunner.Result {
        let (connection, id) = (job.connection, job.request.id)
        let timeout = UInt64(job.request.timeoutMilliseconds) * 1_000_000
        let watchdog = self.watchdog
        return runner.stream(endpoint: Int(job.request.endpoint), input: job.request.payload, requestID: id) { item in
            if timeout > 0 { watchdog.begin(slot: slot, deadline: MonotonicClock.nanoseconds() + timeout) }
            return connection.send(IPCFrame.encode(IPCFrame.Response(kind: .item, id: id, status: 200, cpuNanoseconds: 0, payload: item)))
        }
    }
}

extension ModelOwnerServer.Job {
    /// Sends this call's answer back on the connection it came from.
    func reply(_ result: InferenceRunner.Result) {
        let response: IPCFrame.Response
        switch result {
        case let .output(json, cpu):
            response = IPCFrame.Response(kind: .output, id: request.id, status: 200, cpuNanoseconds: cpu, payload: json)
        case let .streamEnd(cpu):
            response = IPCFrame.Response(kind: .end, id: request.id, status: 200, cpuNanoseconds: cpu, payload: [])
        case let .error(status, detail, headers) where headers.isEmpty:
            response = IPCFrame.Response(kind: .error, id: request.id, status: UInt16(status), cpuNanoseconds: 0, payload: Array(detail.utf8))
        case let .error(status, detail, headers):
            let answer = HTTPResponse.detail(status, detail, headers: headers.map { ($0.name, $0.value) })
            response = IPCFrame.Response(kind: .answer, id: request.id, status: UInt16(status), cpuNanoseconds: 0, payload: IPCFrame.answerPayload(answer))
        }
        connection.send(IPCFrame.encode(response))
    }
}
