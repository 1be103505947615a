import ArgumentParser
import Foundation

import Glibc

/// `octoai run`: nginx and the FastCGI backend together, in the foreground, for
/// a person trying a service. Ctrl-C or SIGTERM stops both; SIGHUP reloads both.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Serve over HTTP on 127.0.0.1:PORT: a private nginx in front of `octoai fcgi`.")

    @OptionGroup var globals: GlobalOptions

    @Option(help: "HTTP port nginx listens on (127.0.0.1).")
    var port: Int = ServeDefaults.port

    @Option(help: "Client keep-alive timeout, seconds.")
    var timeoutKeepAlive: Int = ServeDefaults.keepAliveTimeout

    @OptionGroup var serve: ServeOptions

    /// The environment variable the backend process finds its configuration in.
    static let backendEnvironmentKey = "OCTOAI_SERVE"

    func run() throws {
        let service = try globals.startServing()
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1...65535") }
        guard let nginx = Self.findNginx() else {
            Logger.cli.error("nginx was not found (PATH, /usr/sbin, or OCTOAI_NGINX). Install it (Debian/Ubuntu: apt-get install -y nginx) and try again.")
            throw ExitCode(1)
        }
        let directory = try Self.makeDirectory()
        let socket = directory + "/octoai.sock"
        let config = try serve.configuration(endpoint: .unix(path: socket, mode: 0o666), transport: .fastcgi, service: service, globals: globals)
        let nginxConfig = NginxConfig(
            listen: "127.0.0.1:\(port)", upstream: "unix:" + socket, workerProcesses: "1",
            keepalive: NginxConfig.keepalive(workerProcesses: 1, workers: config.workers, threads: config.threads),
            maxBodySize: config.maxBodySize, keepaliveTimeout: timeoutKeepAlive, privatePrefix: directory)
        try nginxConfig.render().write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)

        if let known = service.descriptor { AssetVolume.exportVariables(for: known) }
        SignalPolicy.install()
        var environment = ProcessInfo.processInfo.environment
        environment[Self.backendEnvironmentKey] = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        // The backend is this binary serving `config` as `octoai fcgi` would: the
        // configuration travels whole, never re-spelled as command-line flags.
        let backend = try ProcessSpawner.spawn(path: ProcessSpawner.executablePath, arguments: ["octoai: supervisor"], environment: environment)
        environment[Self.backendEnvironmentKey] = nil
        var name = service.descriptor?.name ?? ""
        if case let .describedByOwner(python) = service {
            // Nothing listens before the backend has the description: nginx starts once its socket is there.
            if let code = Self.awaitListener(socket, backend: backend) {
                try? FileManager.default.removeItem(atPath: directory)
                throw ExitCode(code)
            }
            name = (try? PythonServiceDescription.load(python).name) ?? python.module
        }
        // nginx holds each body of up to 8 MiB in memory (NginxConfig.bodyBufferSize):
        // mapped and given back when the request ends, not kept in the heap (``MallocPolicy``).
        let server = try ProcessSpawner.spawn(
            path: nginx, arguments: ["nginx", "-p", directory, "-c", directory + "/nginx.conf", "-e", "stderr"],
            environment: MallocPolicy.mappingLargeAllocations(environment))
        Logger.cli.info("serving \(name) on http://127.0.0.1:\(port)/ (nginx pid \(server), octoai pid \(backend)); Ctrl-C stops")
        let code = ForegroundPair(first: server, second: backend).wait()
        try? FileManager.default.removeItem(atPath: directory)
        if code != 0 { throw ExitCode(code) }
    }

    /// In the backend `run` started: the configuration it was handed, once
    /// (removed from the environment so the supervisor's children do not see it).
    static func backendConfiguration() -> ServeConfiguration? {
        guard let json = ProcessInfo.processInfo.environment[backendEnvironmentKey] else { return nil }
        unsetenv(backendEnvironmentKey)
        return try? JSONDecoder().decode(ServeConfiguration.self, from: Data(json.utf8))
    }

    /// Waits until the backend listens on `socket`; its exit status when it exited
    /// first (it has said why), nil once it listens.
    static func awaitListener(_ socket: String, backend: pid_t) -> Int32? {
        while access(socket, F_OK) != 0 {
            var status: Int32 = 0
            if waitpid(backend, &status, WNOHANG) == backend { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 1 }
            usleep(5_000)
        }
        return nil
    }

    /// `OCTOAI_NGINX` when set (a specific build), else the first nginx on PATH or in the sbin directories.
    static func findNginx() -> String? {
        if let chosen = ProcessInfo.processInfo.environment["OCTOAI_NGINX"] { return access(chosen, X_OK) == 0 ? chosen : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"]
        return directories.map { $0 + "/nginx" }.first { access($0, X_OK) == 0 }
    }

    /// A private directory nginx's workers (often `nobody`) can traverse but not list.
    static func makeDirectory() throws -> String {
        guard let directory = Supervisor.makeRuntimeDirectory() else { throw ConfigurationError("cannot create a temporary directory") }
        chmod(directory, 0o711)
        return directory
    }
}

/// Two foreground processes that live and die together: SIGTERM or SIGINT stops
/// both, SIGHUP reloads both, and either one exiting stops the other.
struct ForegroundPair {
    let first: pid_t
    let second: pid_t

    /// Blocks until both have exited; returns the exit status to report.
    func wait() -> Int32 {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGCHLD, SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var alive: Set<pid_t> = [first, second]
        var code: Int32 = 0
        var stopping = false
        while !alive.isEmpty {
            var sig: Int32 = 0
            sigwait(&set, &sig)
            if sig == SIGTERM || sig == SIGINT, !stopping {
                stopping = true
                stopAll(alive)
            }
            // Reload both: octoai brings up a new generation before the old one drains,
            // nginx re-reads its config with new workers beside the old ones.
            if sig == SIGHUP, !stopping {
                Logger.cli.info("SIGHUP: reloading nginx and octoai fcgi")
                for pid in alive { kill(pid, SIGHUP) }
            }
            var status: Int32 = 0
            while case let pid = waitpid(-1, &status, WNOHANG), pid > 0 {
                guard alive.remove(pid) != nil else { continue }
                if !stopping {
                    Logger.cli.error("\(pid == first ? "nginx" : "octoai fcgi") \(Supervisor.describe(status)); stopping")
                    code = 1
                    stopping = true
                    stopAll(alive)
                } else if pid == second, (status & 0x7f) == 0, (status >> 8) & 0xff != 0 {
                    code = (status >> 8) & 0xff
                }
            }
        }
        return code
    }

    /// nginx stops gracefully on SIGQUIT (finishing requests), octoai drains on SIGTERM.
    private func stopAll(_ alive: Set<pid_t>) {
        for pid in alive { kill(pid, pid == first ? SIGQUIT : SIGTERM) }
    }
}

import Logging
