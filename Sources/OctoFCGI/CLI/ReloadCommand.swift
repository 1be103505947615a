import ArgumentParser
import Foundation

import Glibc

/// `octoai reload --socket PATH`: asks the backend on that socket for a
/// zero-downtime reload (the same as sending its supervisor SIGHUP).
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload", abstract: "Reload the backend on --socket without dropping requests (new model owner and responders, then the old ones drain).")

    @Option(help: "The socket the backend listens on (its supervisor's pid is in PATH.pid).")
    var socket: String

    func run() throws {
        let file = Supervisor.pidFile(socket: socket)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ValidationError("no backend pid at \(file): is `octoai fcgi --socket \(socket)` running?")
        }
        guard kill(pid, SIGHUP) == 0 else {
            throw ValidationError("cannot signal pid \(pid) from \(file): \(String(cString: strerror(errno)))")
        }
    }
}
