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

    private func call(endpoint: Int, input: [UInt8], client: ClientConnection?) -> InferenceOutcome {
        guard isReady else { return .failure(ModelOwnerClient.unavailable) }
        slots.wait()
        defer { slots.signal() }
        if let client, client.isGone {
            cancelled.increment()
            return .failure(.clientClosedRequest)
        }
        switch runner.run(endpoint: endpoint, input: input, requestID: UInt64(getpid()) << 32) {
        case let .output(json, cpu): return .output(json: json, cpuNanoseconds: cpu)
        case let .error(status, detail): return .failure(.detail(status, detail))
        }
    }
}
