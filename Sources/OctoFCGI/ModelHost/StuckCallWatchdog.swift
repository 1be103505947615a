import Foundation
import Logging
import Synchronization

import Glibc

/// Replaces a process stuck in one call: the model owner, or in sync mode the
/// responder that runs the model itself.
///
/// A call cannot be interrupted from outside the thread running it, so when one
/// runs past its `--request-timeout` plus a grace period, the process exits; the
/// supervisor restarts it (fresh `setup()`), and the calls queued behind the
/// stuck one get 503 through their closed connections instead of waiting forever.
final class StuckCallWatchdog: Sendable {
    /// Extra time a call may take past its timeout before the process gives up on it.
    static let grace: UInt64 = 2_000_000_000
    /// Per slot, when its call counts as stuck (0: no call, or one without a deadline).
    private let deadlines: Mutex<[UInt64]>
    private let logger: Logger
    private let process: String

    /// Watches `slots` calls at once; `process` names what is restarted, in the log.
    init(slots: Int, logger: Logger, process: String) {
        self.deadlines = Mutex(Array(repeating: 0, count: slots))
        self.logger = logger
        self.process = process
    }

    /// Starts checking; only when calls have a timeout, since a call without one
    /// can never be stuck by this definition.
    func start(enabled: Bool) {
        guard enabled else { return }
        Thread.detachNewThread { [self] in
            while true {
                usleep(100_000)
                check()
            }
        }
    }

    func begin(slot: Int, deadline: UInt64?) {
        deadlines.withLock { $0[slot] = deadline.map { $0 + Self.grace } ?? 0 }
    }

    func end(slot: Int) {
        deadlines.withLock { $0[slot] = 0 }
    }

    private func check() {
        let now = MonotonicClock.nanoseconds()
        let stuck = deadlines.withLock { $0.contains { $0 != 0 && now > $0 } }
        guard stuck else { return }
        logger.error("an inference call is stuck past --request-timeout plus \(Self.grace / 1_000_000_000) s; exiting so the supervisor restarts the \(process)")
        _exit(3)
    }
}
