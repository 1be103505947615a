import Foundation
import Synchronization

/// A service method running on a thread of its own, so that its caller can stop
/// waiting for it.
///
/// Why: in sync mode the responder's transport thread would run the model itself,
/// and a thread cannot be interrupted. With `--request-timeout` the method runs
/// here instead; the transport thread answers 504 at the deadline, as async mode
/// does, and ``StuckCallWatchdog`` replaces the responder if the method never
/// returns. Without a timeout nothing needs this hop, and calls run in place.
final class AbandonableCall: Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written on the method's thread before `done` is signalled, read after waiting for it.
    private let outcome = Mutex<(result: Result<PreparedCall.Encode, any Error>, cpuNanoseconds: UInt64)>((.failure(CancellationError()), 0))

    /// Starts `prepared.run()`; `finished` runs on the same thread once it returns
    /// (the caller may have stopped waiting by then: it gives the model back).
    init(_ prepared: PreparedCall, finished: @escaping @Sendable () -> Void) {
        DispatchQueue.global().async { [self] in
            let start = MonotonicClock.threadCPUNanoseconds()
            let result = Result { try prepared.run() }
            let cpu = MonotonicClock.threadCPUNanoseconds() &- start
            outcome.withLock { $0 = (result, cpu) }
            finished()
            done.signal()
        }
    }

    /// What the method returned (the encoder of its output, or its error) and the
    /// CPU time it took; nil if it has not returned by `deadline` (``MonotonicClock``).
    func wait(until deadline: UInt64) -> (result: Result<PreparedCall.Encode, any Error>, cpuNanoseconds: UInt64)? {
        guard done.wait(untilMonotonic: deadline) == .success else { return nil }
        return outcome.withLock { $0 }
    }
}
