import Foundation
import OctoFCGI
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A real `octoai fcgi` (or `octoai scgi`) behind a real nginx, on a private socket and a free
/// loopback port. Every test that speaks HTTP goes through one of these.
final class Stack: @unchecked Sendable {
    struct Options {
        var service = "EchoService"
        var environment: [String: String] = ["SETUP_SECONDS": "0"]
        var arguments: [String] = ["--workers", "1", "--threads", "4"]
        var waitUntilRunning = true
        /// `fastcgi` runs `octoai fcgi`, `scgi` runs `octoai scgi`, each behind the matching nginx config.
        var transport = TransportKind.fastcgi
        /// Backends behind one nginx (`deploy/nginx-replicas.conf`'s shape), each with
        /// its own socket and `OCTOAI_REPLICA_NAME=replica-N`.
        var replicas = 1
        /// Listen on a loopback TCP port (`--listen`) instead of a Unix socket.
        var tcp = false
        /// The binary to serve with (another package's, built from `Examples/`).
        var executable = Stack.executable
        /// Serve `service` from this octoai-sdk module (a `.py` file) instead of
        /// the binary's own, with the test venv's Python.
        var pythonModule: String?

        /// The transport and kind of service a ``Wire`` names.
        var wire: Wire {
            get { Wire(transport: transport, python: pythonModule != nil) }
            set {
                transport = newValue.transport
                pythonModule = newValue.python ? Stack.pythonEchoService : nil
            }
        }
        /// Debug logs show when the model owner starts each call.
        static var debugLogging: Options {
            var options = Options()
            options.arguments += ["--log-level", "DEBUG"]
            return options
        }

        /// EchoService: the Swift one, or (`python`) its octoai-sdk twin.
        static func echo(python: Bool, debug: Bool = false) -> Options {
            var options = debug ? Options.debugLogging : Options()
            if python { options.pythonModule = Stack.pythonEchoService }
            return options
        }

        /// nginx's `client_max_body_size`.
        var nginxMaxBodySize = ServeDefaults.maxBodySize
    }

    let directory: String
    let port: Int
    let backend: Process
    /// Replicas 2...N, when `replicas` > 1.
    let otherReplicas: [Process]
    let nginx: Process
    let logPath: String
    var client: HTTPClient { HTTPClient(port: port) }

    /// The `octoai` binary built beside this test bundle.
    static var executable: String {
        if let path = ProcessInfo.processInfo.environment["OCTOAI_BIN"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("octoai").path
    }

    /// The checkout this test bundle was built from.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The test venv's interpreter, with octoai-sdk 0.10.1 (scripts/install-python-deps.sh).
    static var python: String { packageRoot.appendingPathComponent(".build-venv/bin/python").path }

    /// The reference EchoService written for octoai-sdk, unchanged (`../shared/python-services`).
    static var pythonEchoService: String {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/python-services/echo_service/service.py").path
    }

    static func makeDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "octoai-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o755)
        return path
    }

    init(_ options: Options = Options()) throws {
        directory = try Stack.makeDirectory()
        port = try Stack.freePort()
        logPath = directory + "/octoai.log"
        let socket = directory + "/octoai.sock"
        let tcpPort = try Stack.freePort()
        let address = options.tcp ? ["--listen", "127.0.0.1:\(tcpPort)"] : ["--socket", socket, "--socket-mode", "0666"]
        var service = options.service.isEmpty ? [] : ["--service-class", options.service]
        if let module = options.pythonModule { service += ["--service-module", module, "--python", Stack.python] }
        backend = try Stack.launch(
            options.executable, service + [options.transport == .scgi ? "scgi" : "fcgi"] + address + options.arguments,
            environment: options.environment, log: logPath)
        var replicaSockets: [String] = []
        var others: [Process] = []
        for n in stride(from: 2, through: options.replicas, by: 1) {
            let path = directory + "/octoai-\(n).sock"
            replicaSockets.append("unix:" + path)
            var environment = options.environment
            environment["OCTOAI_REPLICA_NAME"] = "replica-\(n)"
            others.append(
                try Stack.launch(
                    options.executable, service + ["fcgi", "--socket", path, "--socket-mode", "0666"] + options.arguments,
                    environment: environment, log: directory + "/octoai-\(n).log"))
        }
        otherReplicas = others
        var config = NginxConfig(
            listen: "127.0.0.1:\(port)", upstream: options.tcp ? "127.0.0.1:\(tcpPort)" : "unix:" + socket, workerProcesses: "1", keepalive: 2,
            maxBodySize: options.nginxMaxBodySize, privatePrefix: directory)
        config.transport = options.transport
        config.replicas = replicaSockets
        try config.render().write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        nginx = try Stack.launch(Stack.nginxPath, ["-p", directory, "-c", directory + "/nginx.conf", "-e", "stderr"], environment: [:], log: directory + "/nginx.log")
        // `/` answers 200 in every state once nginx and the backend socket are both up.
        try waitFor("nginx and octoai to answer") { !backend.isRunning || (try? self.client.get("/"))?.status == 200 }
        if options.waitUntilRunning { try waitForHealth(200) }
    }

    static var nginxPath: String {
        ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"].first { access($0, X_OK) == 0 } ?? "nginx"
    }

    static func launch(_ path: String, _ arguments: [String], environment: [String: String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return process
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Polls `condition` every 20 ms until it holds, failing after `timeout` seconds.
    func waitFor(_ what: String, timeout: Double = 20, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            usleep(20_000)
        }
        throw HTTPClient.Failure(description: "timed out waiting for \(what); octoai log:\n\(log)")
    }

    /// `octoai reload` against this stack's control socket.
    func reloadCommand() throws -> CLI.Result {
        try CLI.run(["reload", "--socket", directory + "/octoai.sock"], service: nil)
    }

    /// Waits until generation `generation` serves and the older generations'
    /// model owners have left.
    func waitForGeneration(_ generation: Int) throws {
        try waitFor("generation \(generation) to serve") { log.contains("reload: generation \(generation) is serving") }
        try waitFor("the old generations to leave") { pids(titled: "octoai: model-owner").count == 1 }
    }

    /// Waits until the model owner's debug log says a call started (both the
    /// Swift and the Python owner log `request <id> started`).
    func waitForACallToStart() throws {
        try waitFor("the request to reach the model") { log.range(of: "request [0-9a-f]+ started", options: .regularExpression) != nil }
    }

    func waitForHealth(_ status: Int, timeout: Double = 20) throws {
        try waitFor("/healthcheck \(status)", timeout: timeout) {
            guard backend.isRunning else { throw HTTPClient.Failure(description: "octoai exited (\(backend.terminationStatus)); log:\n\(log)") }
            return (try? client.get("/healthcheck"))?.status == status
        }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Children of the supervisor whose command line is `title`.
    func pids(titled title: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"),
                let ppid = stat[stat.index(close, offsetBy: 2)...].split(separator: " ").dropFirst().first.flatMap({ Int32($0) }),
                ppid == backend.processIdentifier
            else { return false }
            return Stack.commandLine(pid) == title
        }
    }

    /// Whether something accepts connections on the Unix socket at `path`.
    static func socketAccepts(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes + [0])
        }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }

    static func commandLine(_ pid: pid_t) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: data, as: UTF8.self).split(separator: "\0").joined(separator: " ")
    }

    /// Waits for the backend to exit and returns its status.
    func waitForExit(timeout: Double = 30) throws -> Int32 {
        try waitFor("octoai to exit", timeout: timeout) { !backend.isRunning }
        return backend.terminationStatus
    }

    /// Stops every process and removes the directory. Safe to call twice.
    func stop() {
        for replica in otherReplicas where replica.isRunning {
            kill(replica.processIdentifier, SIGTERM)
            replica.waitUntilExit()
        }
        if backend.isRunning {
            kill(backend.processIdentifier, SIGTERM)
            _ = try? waitForExit()
            if backend.isRunning { kill(backend.processIdentifier, SIGKILL) }
        }
        if nginx.isRunning {
            kill(nginx.processIdentifier, SIGQUIT)
            let deadline = Date().addingTimeInterval(10)
            while nginx.isRunning, Date() < deadline { usleep(20_000) }
            if nginx.isRunning { kill(nginx.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }
}
