import CoreMetrics
import Foundation
import Synchronization

/// Sync mode (`--async-enable false`): the responder runs the service itself,
/// as the seed's sync mode does, one call at a time per `maxConcurrency`.
///
/// Calls beyond `--max-queue` waiting for the model in this responder get 503
/// Overloaded at once, as the model owner answers them in async mode.
/// With `--request-timeout` a call gets 504 once its time is up, whether it is
/// still waiting for the model or running: then the method runs on a thread of
/// its own (``AbandonableCall``), and ``StuckCallWatchdog`` restarts this
/// responder if the method never returns, as it restarts a stuck model owner.
final class InProcessBackend: InferenceBackend {
    private let runner: InferenceRunner
    private let slots: DispatchSemaphore
    /// `--request-timeout` in nanoseconds; 0 waits for as long as the method takes.
    private let timeout: UInt64
    /// `--max-queue`: calls that may wait for a slot (0: no bound).
    private let maxQueue: Int
    private let watchdog: StuckCallWatchdog
    private let cancelled = Counter(label: MetricName.requestsCancelled)
    /// What the calls share, under one lock.
    private struct State {
        /// Whether `setup()` has returned in this process.
        var ready = false
        /// The watchdog's slot numbers not held by a running call.
        var freeSlots: [Int]
        /// Calls waiting for a slot.
        var waiting = 0
    }

    private let state: Mutex<State>

    /// Names this process's failed calls in the log (the model owner numbers its calls the same way).
    private let requestID = UInt64(getpid()) << 32

    init(runner: InferenceRunner, maxConcurrency: Int, maxQueue: Int = 0, requestTimeout: Double = 0) {
        self.runner = runner
        self.slots = DispatchSemaphore(value: maxConcurrency)
        self.maxQueue = maxQueue
        self.timeout = UInt64(max(0, min(requestTimeout, 4_000_000)) * 1e9)
        self.watchdog = StuckCallWatchdog(slots: maxConcurrency, logger: runner.logger, process: "responder")
        self.state = Mutex(State(freeSlots: Array(0..<maxConcurrency)))
    }

    /// Lets the watchdog end this process when a call is stuck past its timeout
    /// (only with one). The responder calls it; tests of this type do not.
    func startWatchdog() {
        watchdog.start(enabled: timeout > 0)
    }

    /// Called once `setup()` returned in this process.
    func markReady() {
        state.withLock { $0.ready = true }
    }

    /// Only the service method holds a slot: the input is decoded before taking
    /// one and the output encoded after giving it back (see ``PreparedCall``).
    /// The CPU time reported still covers all three, as it did in one piece. A
    /// call that waited for a slot is dropped, unrun, if its client went away meanwhile.
    func call(endpoint: Int, input: InferenceInput, client: ClientConnection?) -> InferenceOutcome {
        guard state.withLock({ $0.ready }) else { return .failure(.modelUnavailable) }
        let start = MonotonicClock.threadCPUNanoseconds()
        let deadline = timeout > 0 ? MonotonicClock.nanoseconds() + timeout : nil
        do {
            let prepared = try runner.host.prepare(endpoint: endpoint, input: FormPayload.joined(input), files: nil, emit: { _ in false })
            if let refusal = takeSlot(until: deadline, client: client) { return .failure(refusal) }
            let encode: PreparedCall.Encode
            var methodCPU: UInt64 = 0
            if let deadline {
                guard let ran = runAbandonable(prepared, deadline: deadline) else { return .failure(.inferenceTimedOut) }
                encode = try ran.result.get()
                methodCPU = ran.cpuNanoseconds
            } else {
                defer { slots.signal() }
                encode = try prepared.run()
            }
            let json = try encode()
            return .output(json: json, cpuNanoseconds: MonotonicClock.threadCPUNanoseconds() &- start &+ methodCPU)
        } catch {
            return runner.failure(error, requestID: requestID).outcome
        }
    }

    /// A streaming call runs on a thread of its own holding a model slot, its
    /// items handed to the calling transport thread through a ``LocalStream``.
    /// `--request-timeout` bounds the wait for each item; the watchdog does not
    /// watch streams (a stream has no end to wait for).
    func stream(endpoint: Int, input: InferenceInput, client: ClientConnection?) -> StreamStart {
        guard state.withLock({ $0.ready }) else { return .failure(.modelUnavailable) }
        let deadline = timeout > 0 ? MonotonicClock.nanoseconds() + timeout : nil
        let stream: LocalStream
        do { stream = try LocalStream(timeout: timeout) } catch { return .failure(.modelUnavailable) }
        if let refusal = takeSlot(until: deadline, client: client) { return .failure(refusal) }
        let (runner, slots, id) = (self.runner, self.slots, requestID)
        let payload = FormPayload.joined(input)
        Thread.detachNewThread {
            defer { slots.signal() }
            switch runner.stream(endpoint: endpoint, input: payload, requestID: id, emit: stream.emit) {
            case let .streamEnd(cpu): stream.finish(.end(cpuNanoseconds: cpu))
            case let result: if case let .failure(answer) = result.outcome { stream.finish(.failed(answer)) }
            }
        }
        return .started(stream)
    }

    /// Takes a model slot for a call, or says why not: overloaded, timed out while
    /// waiting, or its client went away meanwhile (counted; the slot is given back).
    private func takeSlot(until deadline: UInt64?, client: ClientConnection?) -> HTTPResponse? {
        switch takeSlot(until: deadline) {
        case .taken: break
        case .overloaded: return .overloaded
        case .timedOut: return .inferenceTimedOut
        }
        guard let client, client.isGone else { return nil }
        slots.signal()
        cancelled.increment()
        return .clientClosedRequest
    }

    private enum SlotWait { case taken, overloaded, timedOut }

    /// A free slot is taken at once; otherwise the call queues, if there is room.
    private func takeSlot(until deadline: UInt64?) -> SlotWait {
        if slots.wait(timeout: .now()) == .success { return .taken }
        let queued = state.withLock { state in
            guard maxQueue == 0 || state.waiting < maxQueue else { return false }
            state.waiting += 1
            return true
        }
        guard queued else { return .overloaded }
        defer { state.withLock { $0.waiting -= 1 } }
        guard let deadline else {
            slots.wait()
            return .taken
        }
        return slots.wait(untilMonotonic: deadline) == .success ? .taken : .timedOut
    }

    /// Runs the method on another thread under the watchdog; nil at the deadline.
    /// The slot is given back when the method returns, not when the caller stops waiting.
    private func runAbandonable(_ prepared: PreparedCall, deadline: UInt64) -> (result: Result<PreparedCall.Encode, any Error>, cpuNanoseconds: UInt64)? {
        let slot = state.withLock { $0.freeSlots.removeLast() }
        watchdog.begin(slot: slot, deadline: deadline)
        let call = AbandonableCall(prepared) { [self] in
            watchdog.end(slot: slot)
            state.withLock { $0.freeSlots.append(slot) }
            slots.signal()
        }
        return call.wait(until: deadline)
    }
}
