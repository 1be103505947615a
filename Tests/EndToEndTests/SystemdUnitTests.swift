import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `deploy/systemd/*.service`: `systemd-analyze verify` accepts them without a word,
/// and their commands do what the unit says, run here as systemd would run them.
@Suite(.serialized) struct SystemdUnitTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let units = ["octoai.service", "octoai-replica@.service"]

    /// `Key=value` lines of a unit, in order (a key may repeat).
    static func entries(_ unit: String) throws -> [(key: String, value: String)] {
        try String(contentsOfFile: root + "/deploy/systemd/" + unit, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    static func value(_ key: String, _ unit: String) throws -> String? { try entries(unit).last { $0.key == key }?.value }

    @Test func systemdAnalyzeVerifiesTheUnitsWithoutWarnings() throws {
        let candidates = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
        let analyze = try #require(candidates.first { access($0, X_OK) == 0 }, "systemd-analyze is missing: scripts/install-deploy-deps.sh installs systemd")
        let directory = try Stack.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // verify checks that ExecStart's binary exists: point the copies at this build's.
        for unit in Self.units {
            let text = try String(contentsOfFile: Self.root + "/deploy/systemd/" + unit, encoding: .utf8)
            let name = unit.replacingOccurrences(of: "@.service", with: "@9000.service")
            try text.replacingOccurrences(of: "/usr/local/bin/octoai", with: Stack.executable).write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        let (status, text) = try Shell.run(
            analyze, ["verify", "--man=no", directory + "/octoai.service", directory + "/octoai-replica@9000.service"], in: directory)
        #expect(status == 0, "\(text)")
        #expect(!text.contains("octoai"), "systemd-analyze had something to say:\n\(text)")
    }

    @Test(arguments: units)
    func unitsAgreeWithTheOctoaiFlags(unit: String) throws {
        #expect(try Self.value("Type", unit) == "notify")
        #expect(try Self.value("KillMode", unit) == "mixed")
        let start = try #require(try Self.value("ExecStart", unit)).split(separator: " ").map(String.init)
        let reload = try #require(try Self.value("ExecReload", unit)).split(separator: " ").map(String.init)
        #expect(start.first == "/usr/local/bin/octoai" && reload.first == start.first)
        #expect(Array(start.dropFirst().prefix(1)) == ["fcgi"])
        #expect(Array(reload.dropFirst().prefix(1)) == ["reload"])
        // ExecReload names the same socket or address ExecStart listens on.
        for flag in ["--socket", "--listen"] where start.contains(flag) {
            let i = start.firstIndex(of: flag)!, j = try #require(reload.firstIndex(of: flag))
            #expect(start[i + 1] == reload[j + 1])
        }
        let drain = try #require(start.firstIndex(of: "--drain-timeout").flatMap { Double(start[$0 + 1]) })
        let stop = try #require(try Self.value("TimeoutStopSec", unit).flatMap(Double.init))
        #expect(stop > drain + 10, "TimeoutStopSec \(stop) leaves the model owner no time after a \(drain) s drain")
        if let socket = start.firstIndex(of: "--socket").map({ start[$0 + 1] }) {
            #expect(socket.hasPrefix("/run/" + (try Self.value("RuntimeDirectory", unit) ?? "?") + "/"))
            #expect(start[start.firstIndex(of: "--socket-mode")! + 1] == "0660")
            let group = start[start.firstIndex(of: "--socket-group")! + 1]
            #expect(try Self.value("SupplementaryGroups", unit) == group, "octoai can give the socket only to a group it is in")
        }
    }

    /// The replica unit's ExecStart and ExecReload as systemd runs them: `%i` a free
    /// port, `$RUNTIME_DIRECTORY` and `NOTIFY_SOCKET` set; READY=1, a reload, a clean stop.
    @Test func replicaUnitStartsReloadsAndStopsAsSystemdRunsIt() throws {
        let directory = try Stack.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = String(try Stack.freePort())
        let expand = { (line: String) in
            line.replacingOccurrences(of: "%i", with: port).replacingOccurrences(of: "0.0.0.0:", with: "127.0.0.1:").split(separator: " ").map(String.init).dropFirst()
        }
        let start = expand(try #require(try Self.value("ExecStart", "octoai-replica@.service")))
        let reload = expand(try #require(try Self.value("ExecReload", "octoai-replica@.service")))
        let receiver = try NotifyReceiver(path: directory + "/notify.sock") { _ in "" }
        defer { receiver.stop() }
        let environment = ["RUNTIME_DIRECTORY": directory, "NOTIFY_SOCKET": directory + "/notify.sock", "SETUP_SECONDS": "0"]
        let backend = try Stack.launch(Stack.executable, ["--service-class", "EchoService"] + start, environment: environment, log: directory + "/octoai.log")
        defer { if backend.isRunning { kill(backend.processIdentifier, SIGKILL) } }
        let fields = { receiver.messages.flatMap(\.fields) }
        let log = { (try? String(contentsOfFile: directory + "/octoai.log", encoding: .utf8)) ?? "" }
        try Self.wait("READY=1", log) { fields().contains("READY=1") }
        #expect(FileManager.default.fileExists(atPath: directory + "/octoai-127.0.0.1-\(port).pid"))
        let command = try CLI.run(Array(reload), service: nil, environment: environment)
        #expect(command.status == 0, "\(command.stderr)")
        try Self.wait("RELOADING=1, then READY=1 again", log) { fields().contains("RELOADING=1") && fields().filter { $0 == "READY=1" }.count == 2 }
        kill(backend.processIdentifier, SIGTERM)
        backend.waitUntilExit()
        #expect(backend.terminationStatus == 0, "\(log())")
        #expect(fields().contains("STOPPING=1"))
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
