import CoreMetrics
import Foundation

/// Sync mode (`--async-enable false`): the responder runs the service itself,
/// as the seed's sync mode does, one call at a time per `maxConcurrency`.
final class InProcessBackend: InferenceBackend, @unchecked Sendable {
    private let runner: InferenceRunner
    private let slots: DispatchSemaphore
    private let cancelled = Counter(label: MetricName.requestsCancelled)
    private let readyLock = NSLock()
    private var ready = false

    /// Names this process's failed calls in the log (the model owner numbers its calls the same way).
    private let requestID = UInt64(getpid()) << 32

    init(runner: InferenceRunner, maxConcurrency: Int) {
        self.runner = runner
        self.slots = DispatchSemaphore(value: maxConcurrency)
    }

    /// Called once `setup()` returned in this process.
    func markReady() {
        readyLock.lock()
        ready = true
        readyLock.unlock()
    }

    private var isReady: Bool {
        readyLock.lock()
        defer { readyLock.unlock() }
        return ready
    }

    func call(endpoint: Int, input: [UInt8]) -> InferenceOutcome {
        call(endpoint: endpoint, input: input, client: nil)
    }

    /// A call that waited for a slot is dropped, unrun, if its client went away meanwhile.
    func call(endpoint: Int, head: [UInt8], tail: [UInt8], client: ClientConnection?) -> InferenceOutcome {
        call(endpoint: endpoint, input: tail.isEmpty ? head : head + tail, client: client)
    }

    /// Only the service method holds a slot: the input is decoded before taking
    /// one and the output encoded after giving it back (see ``PreparedCall``).
    /// The CPU time reported still covers all three, as it did in one piece.
    private func call(endpoint: Int, input: [UInt8], client: ClientConnection?) -> InferenceOutcome {
        guard isReady else { return .failure(ModelOwnerClient.unavailable) }
        let start = MonotonicClock.threadCPUNanoseconds()
        do {
            let prepared = try runner.host.prepare(endpoint: endpoint, input: input)
            slots.wait()
            if let client, client.isGone {
                slots.signal()
                cancelled.increment()
                return .failure(.clientClosedRequest)
            }
            let encode: () throws -> [UInt8]
            do {
                defer { slots.signal() }
                encode = try prepared.run()
            }
            let json = try encode()
            return .output(json: json, cpuNanoseconds: MonotonicClock.threadCPUNanoseconds() &- start)
        } catch {
            return runner.failure(error, requestID: requestID).outcome
        }
    }
}
