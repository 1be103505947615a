import Foundation
import OctoFCGI
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Reloads of a `--listen HOST:PORT` backend, and SIGHUP to `octoai run`, under
/// steady load through real nginx: no request may fail.
@Suite(.serialized) struct TCPReloadTests {
    /// The port a `--listen` backend logged it listens on.
    static func listenPort(_ log: String) -> String? {
        guard let range = log.range(of: "listening on 127.0.0.1:") else { return nil }
        return String(log[range.upperBound...].prefix { $0.isNumber })
    }

    @Test(arguments: TransportKind.allCases)
    func tcpBackendReloadsUnderLoadLosingNothing(transport: TransportKind) throws {
        var options = Stack.Options()
        options.tcp = true
        options.transport = transport
        let runDirectory = try Stack.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: runDirectory) }
        options.environment["OCTOAI_RUN_DIR"] = runDirectory
        let stack = try Stack(options)
        defer { stack.stop() }
        let port = try #require(Self.listenPort(stack.log))
        let pidFile = runDirectory + "/octoai-127.0.0.1-\(port).pid"
        #expect((try? String(contentsOfFile: pidFile, encoding: .utf8)) == "\(stack.backend.processIdentifier)\n")
        let firstOwner = try #require(stack.pids(titled: "octoai: model-owner").first)
        let load = LoadGenerator(port: stack.port)
        usleep(300_000)
        kill(stack.backend.processIdentifier, SIGHUP)
        try stack.waitFor("generation 2 to serve") { stack.log.contains("reload: generation 2 is serving") }
        try stack.waitFor("generation 1 to leave") { stack.pids(titled: "octoai: model-owner").count == 1 }
        usleep(300_000)
        let command = try CLI.run(["reload", "--listen", "127.0.0.1:\(port)"], service: nil, environment: ["OCTOAI_RUN_DIR": runDirectory])
        #expect(command.status == 0, "\(command.stderr)")
        try stack.waitFor("generation 3 to serve") { stack.log.contains("reload: generation 3 is serving") }
        try stack.waitFor("generation 2 to leave") { stack.pids(titled: "octoai: model-owner").count == 1 }
        usleep(300_000)
        let result = load.stop()
        print("fault-test tcp-reload-x2 (\(transport)): \(result.ok) ok, \(result.failures.count) failed")
        #expect(result.failures.count == 0, "\(result.failures.count) failed of \(result.ok + result.failures.count): \(result.failures.prefix(5))")
        #expect(result.ok > 50)
        #expect(!stack.log.contains("reload failed"), "\(stack.log)")
        #expect(stack.pids(titled: "octoai: model-owner") != [firstOwner])
        #expect(try stack.client.get("/healthcheck").status == 200)
        stack.stop()
        #expect(!FileManager.default.fileExists(atPath: pidFile), "the pid file outlived the backend")
    }

    /// Sync mode: the new generation's responders listen (and answer 503) while their
    /// `setup()` runs; the port must keep giving connections to the old ones until then.
    @Test func tcpSyncModeReloadKeepsThePortOnTheOldGenerationWhileTheNewLoads() throws {
        var options = Stack.Options()
        options.tcp = true
        options.arguments += ["--async-enable", "false"]
        options.environment["SETUP_SECONDS"] = "1"
        let stack = try Stack(options)
        defer { stack.stop() }
        let load = LoadGenerator(port: stack.port)
        usleep(300_000)
        kill(stack.backend.processIdentifier, SIGHUP)
        try stack.waitFor("generation 2 to serve") { stack.log.contains("reload: generation 2 is serving") }
        usleep(800_000)
        let result = load.stop()
        print("fault-test tcp-reload-sync: \(result.ok) ok, \(result.failures.count) failed")
        #expect(result.failures.count == 0, "\(result.failures.count) failed of \(result.ok + result.failures.count): \(result.failures.prefix(5))")
        #expect(result.ok > 50)
    }

    @Test func reloadRefusesAPidFileThatNamesNoSupervisor() throws {
        let directory = try Stack.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "\(getpid())\n".write(toFile: directory + "/stale.pid", atomically: true, encoding: .utf8)
        let stale = try CLI.run(["reload", "--pid-file", directory + "/stale.pid"], service: nil)
        #expect(stale.status != 0)
        #expect(stale.stderr.contains("not an octoai supervisor"), "\(stale.stderr)")
        let missing = try CLI.run(["reload", "--listen", "127.0.0.1:1"], service: nil, environment: ["OCTOAI_RUN_DIR": directory])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("octoai-127.0.0.1-1.pid"), "\(missing.stderr)")
        let both = try CLI.run(["reload", "--listen", "127.0.0.1:1", "--socket", "/nonexistent"], service: nil)
        #expect(both.status != 0)
    }

    /// `octoai run` takes SIGHUP as `nginx -s reload` and `octoai reload` together.
    @Test func runReloadsItsBackendAndItsNginxOnSIGHUP() throws {
        let directory = try Stack.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try Stack.freePort()
        let logPath = directory + "/run.log"
        let run = try Stack.launch(
            Stack.executable, ["--service-class", "EchoService", "run", "--port", "\(port)", "--threads", "4"],
            environment: ["SETUP_SECONDS": "0", "OCTOAI_NGINX": Stack.nginxPath], log: logPath)
        defer {
            if run.isRunning { kill(run.processIdentifier, SIGTERM) }
            run.waitUntilExit()
        }
        let log = { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        let client = HTTPClient(port: port)
        try Self.wait("octoai run to serve", log) { run.isRunning && (try? client.get("/healthcheck"))?.status == 200 }
        let nginxPid = try #require(Self.nginxPid(log()))
        let workersBefore = Self.children(of: nginxPid)
        #expect(!workersBefore.isEmpty)
        let load = LoadGenerator(port: port)
        usleep(300_000)
        kill(run.processIdentifier, SIGHUP)
        try Self.wait("generation 2 to serve", log) { log().contains("reload: generation 2 is serving") }
        try Self.wait("new nginx workers", log) { let now = Self.children(of: nginxPid); return !now.isEmpty && now.isDisjoint(with: workersBefore) }
        usleep(500_000)
        let result = load.stop()
        print("fault-test run-sighup: \(result.ok) ok, \(result.failures.count) failed")
        #expect(result.failures.isEmpty, "\(result.failures.count) failed: \(result.failures.prefix(5))")
        #expect(result.ok > 50)
        #expect(run.isRunning, "octoai run stopped on SIGHUP:\n\(log())")
        kill(run.processIdentifier, SIGTERM)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0, "\(log())")
    }

    static func nginxPid(_ log: String) -> pid_t? {
        guard let range = log.range(of: "(nginx pid ") else { return nil }
        return pid_t(String(log[range.upperBound...].prefix { $0.isNumber }))
    }

    /// Processes whose parent is `parent` (nginx's workers).
    static func children(of parent: pid_t) -> Set<pid_t> {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return Set(
            entries.compactMap(Int32.init).filter { pid in
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
                return stat[stat.index(close, offsetBy: 2)...].split(separator: " ").dropFirst().first.flatMap { Int32($0) } == parent
            })
    }

    static func wait(_ what: String, _ log: () -> String, timeout: Double = 30, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return }
            usleep(20_000)
        }
        throw HTTPClient.Failure(description: "timed out waiting for \(what); log:\n\(log())")
    }
}
