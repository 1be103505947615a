import Foundation

import Glibc

/// Reload of a `--listen HOST:PORT` backend. The port stays open through the
/// reload: the new generation listens on a second socket bound to the same
/// address (``ReusePortListener``), which gets no connection until the new model
/// is loaded; then the kernel is told to give new connections to it, and the old
/// socket, whose queue its responders empty meanwhile, retires 0.5 s later as a
/// Unix socket's old generation does.
extension Supervisor {
    /// Opens the coming generation's listener beside the serving one, with new
    /// connections still going to the serving one.
    func openTCPReloadListener(for next: Int) throws {
        guard listeners.count == 1, let serving = listeners[generation] else {
            throw ConfigurationError("the previous generation is still leaving the port; reload again in a moment")
        }
        let fd = try ReusePortListener.open(beside: serving)
        do {
            // The group is [serving, coming], in the order they joined.
            try ReusePortListener.steer(fd, toIndex: 0)
        } catch {
            close(fd)
            throw error
        }
        listeners[next] = Descriptor.moveHigh(fd)
    }

    /// Gives new connections to the coming generation's listener; returns why
    /// not when the kernel refused (nil when done).
    func switchTCPListener(to next: Int) -> String? {
        guard let fd = listeners[next] else { return "the new listener is gone" }
        do {
            try ReusePortListener.steer(fd, toIndex: 1)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    /// Where `octoai reload --listen HOST:PORT` finds the supervisor of a TCP backend:
    /// `octoai-HOST-PORT.pid` in `$OCTOAI_RUN_DIR`, else `$RUNTIME_DIRECTORY` (systemd's
    /// `RuntimeDirectory=`), else the temporary directory.
    static func pidFile(host: String, port: UInt16) -> String {
        let environment = ProcessInfo.processInfo.environment
        var directory = environment["OCTOAI_RUN_DIR"] ?? environment["RUNTIME_DIRECTORY"].map { String($0.split(separator: ":").first ?? "") } ?? ""
        if directory.isEmpty { directory = NSTemporaryDirectory() }
        if !directory.hasSuffix("/") { directory += "/" }
        let name = host.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "_" }
        return directory + "octoai-\(String(name))-\(port).pid"
    }

    /// The pid file of this backend's endpoint (socket path + `.pid`, or ``pidFile(host:port:)``).
    var endpointPidFile: String {
        switch config.endpoint {
        case let .unix(path, _): return Supervisor.pidFile(socket: path)
        case let .tcp(host, port): return Supervisor.pidFile(host: host, port: port)
        }
    }
}
