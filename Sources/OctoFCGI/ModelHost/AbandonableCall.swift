import Foundation

/// A service method running on a thread of its own, so that its caller can stop
/// waiting for it.
///
/// Why: in sync mode the responder's transport thread would run the model itself,
/// and a thread cannot be interrupted. With `--request-timeout` the method runs
/// here instead; the transport thread answers 504 at the deadline, as async mode
/// does, and ``StuckCallWatchdog`` replaces the responder if the method never
/// returns. Without a timeout nothing needs this hop, and calls run in place.
final class AbandonableCall: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written on the method's thread before `done` is signalled, read after waiting for it.
    private var result: Result<() throws -> [UInt8], any Error> = .failure(CancellationError())
    private var cpuNanoseconds: UInt64 = 0

    /// Starts `prepared.run()`; `finished` runs on the same thread once it returns
    /// (the caller may have stopped waiting by then: it gives the model back).
    init(_ prepared: PreparedCall, finished: @escaping @Sendable () -> Void) {
        nonisolated(unsafe) let prepared = prepared
        DispatchQueue.global().async { [self] in
            let start = MonotonicClock.threadCPUNanoseconds()
            result = Result { try prepared.run() }
            cpuNanoseconds = MonotonicClock.threadCPUNanoseconds() &- start
            finished()
            done.signal()
        }
    }

    /// What the method returned (the encoder of its output, or its error) and the
    /// CPU time it took; nil if it has not returned by `deadline` (``MonotonicClock``).
    func wait(until deadline: UInt64) -> (result: Result<() throws -> [UInt8], any Error>, cpuNanoseconds: UInt64)? {
        guard done.wait(untilMonotonic: deadline) == .success else { return nil }
        return (result, cpuNanoseconds)
    }
}
