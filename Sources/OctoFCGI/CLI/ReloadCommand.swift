import ArgumentParser
import Foundation

import Glibc

/// `octoai reload --socket PATH` (or `--listen HOST:PORT`, or `--pid-file PATH`):
/// asks that backend for a zero-downtime reload (the same as sending its
/// supervisor SIGHUP). The supervisor's pid is in `PATH.pid` beside a socket, and
/// for a TCP backend in `octoai-HOST-PORT.pid` in `$OCTOAI_RUN_DIR`, else
/// `$RUNTIME_DIRECTORY`, else the temporary directory.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload", abstract: "Reload the backend on --socket without dropping requests (new model owner and responders, then the old ones drain).")

    @Option(help: "The socket the backend listens on (its supervisor's pid is in PATH.pid).")
    var socket: String?

    @Option(help: "The HOST:PORT a --listen backend listens on (its pid is in octoai-HOST-PORT.pid in $OCTOAI_RUN_DIR, $RUNTIME_DIRECTORY or the temporary directory).")
    var listen: String?

    @Option(help: "The supervisor's pid file, read as it is.")
    var pidFile: String?

    func validate() throws {
        guard [socket, listen, pidFile].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --socket PATH, --listen HOST:PORT or --pid-file PATH")
        }
    }

    func run() throws {
        let file: String
        if let socket {
            file = Supervisor.pidFile(socket: socket)
        } else if let listen {
            let (host, port) = try ListenOptions.parseListen(listen)
            file = Supervisor.pidFile(host: host, port: port)
        } else {
            file = pidFile!
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ValidationError("no backend pid at \(file): is `octoai fcgi \(socket.map { "--socket " + $0 } ?? listen.map { "--listen " + $0 } ?? "")` running?")
        }
        // A pid file left by a backend that was killed may name another process by now.
        // The supervisor's title is `octoai: supervisor`, cut to its original command line's length.
        let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { String(decoding: $0, as: UTF8.self) } ?? ""
        let title = String(cmdline.prefix { $0 != "\0" })
        guard title.hasPrefix("octoai: s"), "octoai: supervisor".hasPrefix(title) else {
            throw ValidationError("pid \(pid) from \(file) is not an octoai supervisor (a stale pid file?)")
        }
        guard kill(pid, SIGHUP) == 0 else {
            throw ValidationError("cannot signal pid \(pid) from \(file): \(String(cString: strerror(errno)))")
        }
    }
}
