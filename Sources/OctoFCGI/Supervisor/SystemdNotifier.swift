import Foundation

import Glibc

/// Tells systemd (`Type=notify`, `sd_notify(3)`) what the supervisor is doing:
/// one datagram of `KEY=value` lines to the Unix socket named by `NOTIFY_SOCKET`.
///
/// - `READY=1` when the state first reaches `RUNNING` (so `systemctl start` returns
///   once `/healthcheck` answers 200), and again when a reload has switched over;
/// - `RELOADING=1` (with `MONOTONIC_USEC`) when a reload begins;
/// - `STOPPING=1` when draining begins;
/// - `STATUS=<state>` on every transition (`systemctl status` shows it).
///
/// Without `NOTIFY_SOCKET` there is no notifier and nothing is sent. Sending
/// never blocks the supervisor: a datagram the manager cannot take is dropped.
final class SystemdNotifier {
    private let fd: Int32
    private var address: sockaddr_un
    private let length: socklen_t
    private var announcedReady = false
    private var stopping = false

    /// The notifier for `NOTIFY_SOCKET` in `environment`: a path, or `@name` for
    /// an abstract socket; nil when unset or unusable.
    init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["NOTIFY_SOCKET"], path.hasPrefix("/") || path.hasPrefix("@") else { return nil }
        var bytes = Array(path.utf8)
        if bytes[0] == UInt8(ascii: "@") { bytes[0] = 0 }  // abstract namespace
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes) }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return nil }
        self.fd = fd
        self.address = address
        self.length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes[0] == 0 ? 0 : 1))
    }

    deinit { close(fd) }

    /// Sends `fields` as one datagram (`KEY=value` lines). Returns whether it went out.
    @discardableResult
    func send(_ fields: [String]) -> Bool {
        let message = Array(fields.joined(separator: "\n").utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, message, message.count, Int32(MSG_NOSIGNAL), $0, length) }
        }
        return sent == message.count
    }

    /// The supervisor's state changed: `STATUS=`, plus `READY=1` the first time
    /// it is `RUNNING` and `STOPPING=1` once it is `SHUTTING_DOWN`.
    func stateChanged(to state: LifecycleState) {
        var fields = ["STATUS=\(state.name)"]
        if state == .running, !announcedReady {
            announcedReady = true
            fields.insert("READY=1", at: 0)
        }
        if state == .shuttingDown, !stopping {
            stopping = true
            fields.insert("STOPPING=1", at: 0)
        }
        send(fields)
    }

    /// A reload began: systemd shows the unit `reloading` until ``reloadEnded(generation:)``.
    func reloadBegan(generation: Int) {
        send(["RELOADING=1", "MONOTONIC_USEC=\(MonotonicClock.nanoseconds() / 1000)", "STATUS=reloading: generation \(generation) starting"])
    }

    /// The reload switched over or failed: the unit is ready again (the serving
    /// generation's state), unless it is stopping.
    func reloadEnded(serving generation: Int, state: LifecycleState) {
        guard !stopping else { return }
        send(["READY=1", "STATUS=\(state.name) (generation \(generation))"])
    }
}
