import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Replaces a model owner stuck in one call.
///
/// A call cannot be interrupted from outside the thread running it, so when one
/// runs past its `--request-timeout` plus a grace period, the owner exits; the
/// supervisor restarts it (fresh `setup()`), and the calls queued behind the
/// stuck one get 503 through their closed connections instead of waiting forever.
final class StuckCallWatchdog: @unchecked Sendable {
    /// Extra time a call may take past its timeout before the owner gives up on it.
    static let grace: UInt64 = 2_000_000_000
    private let lock = NSLock()
    private var deadlines: [UInt64] = []
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Starts watching `slots` inference threads; only when calls have a timeout,
    /// since a call without one can never be stuck by this definition.
    func start(slots: Int, enabled: Bool) {
        lock.lock()
        deadlines = Array(repeating: 0, count: slots)
        lock.unlock()
        guard enabled else { return }
        Thread.detachNewThread { [self] in
            while true {
                usleep(100_000)
                check()
            }
        }
    }

    func begin(slot: Int, deadline: UInt64?) {
        lock.lock()
        deadlines[slot] = deadline.map { $0 + Self.grace } ?? 0
        lock.unlock()
    }

    func end(slot: Int) {
        lock.lock()
        deadlines[slot] = 0
        lock.unlock()
    }

    private func check() {
        let now = MonotonicClock.nanoseconds()
        lock.lock()
        let stuck = deadlines.contains { $0 != 0 && now > $0 }
        lock.unlock()
        guard stuck else { return }
        logger.error("an inference call is stuck past --request-timeout plus \(Self.grace / 1_000_000_000) s; exiting so the supervisor restarts the model owner")
        _exit(3)
    }
}
