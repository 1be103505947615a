import Dispatch

extension DispatchSemaphore {
    /// Waits until `deadline`, in ``MonotonicClock/nanoseconds()``: the clock the
    /// request deadlines are kept in, which `DispatchTime` does not take directly.
    func wait(untilMonotonic deadline: UInt64) -> DispatchTimeoutResult {
        let now = MonotonicClock.nanoseconds()
        return wait(timeout: .now() + .nanoseconds(Int(clamping: deadline > now ? deadline - now : 0)))
    }
}
