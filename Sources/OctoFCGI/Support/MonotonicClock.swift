import Glibc

/// Clocks for analytics: wall time for `performance_time_ms`, the calling
/// thread's CPU time for `inference_time_ms` (so a model that sleeps reports ~0).
package enum MonotonicClock {
    /// Monotonic wall-clock nanoseconds.
    package static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// CPU nanoseconds consumed by the calling thread.
    package static func threadCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
