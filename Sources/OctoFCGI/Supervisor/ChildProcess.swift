import Glibc

/// A child the supervisor started and watches.
struct ChildProcess {
    let pid: pid_t
    let role: ChildConfig.Role
    let index: Int
    /// Which set of processes it belongs to: a reload starts generation n + 1
    /// beside n, then retires n.
    let generation: Int
    /// Read end of the child's report pipe (``ChildReport`` lines).
    let reportFD: Int32
    var pendingLine: [UInt8] = []
    /// Set when the child reported that `setup()` failed: its exit is then not a crash.
    var setupFailure: String?
    /// `RUNNING` reported: its model is loaded.
    var ready = false
    /// `SETUP` reported: `setup()` has begun.
    var setupStarted = false
    /// `DESCRIBED` reported (the first model owner of a Python service nothing described before).
    var described = false
    let startedAt = MonotonicClock.nanoseconds()

    /// Notes what `reports` say about the child.
    mutating func record(_ reports: [ChildReport]) {
        for report in reports {
            switch report {
            case .setupStarted: setupStarted = true
            case .running: ready = true
            case let .setupFailed(message): setupFailure = message
            case .described: described = true
            }
        }
    }

    /// Reads what the child wrote; returns complete report lines (nil at EOF).
    mutating func readReports() -> [ChildReport]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(reportFD, &buffer, buffer.count)
        if n <= 0 { return n < 0 && errno == EINTR ? [] : nil }
        pendingLine += buffer[0..<n]
        var reports: [ChildReport] = []
        while let newline = pendingLine.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: pendingLine[..<newline], as: UTF8.self)
            pendingLine.removeSubrange(...newline)
            if let report = ChildReport(line: Substring(line)) { reports.append(report) }
        }
        return reports
    }
}

/// Delays before restarting something that keeps dying: 0 for the first
/// failure, then doubling from `base` up to `cap`; forgotten after a calm period.
struct Backoff {
    var base = 0.25
    var cap = 10.0
    var calmPeriod = 30.0
    private(set) var failures = 0

    mutating func nextDelay(ranFor seconds: Double) -> Double {
        if seconds >= calmPeriod { failures = 0 }
        failures += 1
        if failures == 1 { return 0 }
        return min(cap, base * Double(1 << min(failures - 2, 16)))
    }
}
