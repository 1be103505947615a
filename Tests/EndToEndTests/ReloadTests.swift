import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Zero-downtime operations under steady load: no request may fail.
@Suite(.serialized) struct ReloadTests {
    func count(_ text: String, in log: String) -> Int { log.components(separatedBy: text).count - 1 }

    @Test func sighupAndReloadCommandUnderLoadLoseNothing() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let firstOwner = try #require(stack.pids(titled: "octoai: model-owner").first)
        let load = LoadGenerator(port: stack.port)
        usleep(300_000)
        kill(stack.backend.processIdentifier, SIGHUP)
        try stack.waitFor("generation 2 to serve") { stack.log.contains("reload: generation 2 is serving") }
        usleep(700_000)
        let command = try stack.reloadCommand()
        #expect(command.status == 0, "\(command.stderr)")
        try stack.waitForGeneration(3)
        usleep(300_000)
        load.stopExpectingNothingLost("sighup-x2")
        #expect(stack.pids(titled: "octoai: model-owner") != [firstOwner])
        #expect(stack.pids(titled: "octoai: responder 1").count == 1)
        #expect(try stack.client.get("/healthcheck").status == 200)
    }

    @Test func nginxReloadUnderLoadLosesNothing() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let load = LoadGenerator(port: stack.port)
        for _ in 0..<2 {
            usleep(500_000)
            kill(stack.nginx.processIdentifier, SIGHUP)  // what `nginx -s reload` sends
        }
        usleep(800_000)
        load.stopExpectingNothingLost("nginx-reload-x2")
    }

    @Test func killedResponderUnderLoadIsReplacedWithoutLosingRequests() throws {
        var options = Stack.Options()
        options.arguments = ["--workers", "2", "--threads", "4"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let load = LoadGenerator(port: stack.port, body: #"{"prompt":"sleep:0"}"#)
        usleep(300_000)
        let victim = try #require(stack.pids(titled: "octoai: responder 2").first)
        kill(victim, SIGKILL)
        try stack.waitFor("responder 2 to be replaced") { stack.pids(titled: "octoai: responder 2").contains { $0 != victim } }
        usleep(500_000)
        let result = load.stop()
        print("fault-test kill-9-responder: \(result.ok) ok, \(result.failures.count) failed")
        // The requests inside the killed process at that instant lost their connection
        // before any answer: nginx sends each once more, to another responder.
        #expect(result.failures.isEmpty, "\(result.failures)")
        #expect(try stack.client.get("/healthcheck").status == 200)
    }

    @Test func killedModelOwnerUnderLoadFailsOnlyWith503AndNeverHangs() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let load = LoadGenerator(port: stack.port)
        usleep(300_000)
        let owner = try #require(stack.pids(titled: "octoai: model-owner").first)
        kill(owner, SIGKILL)
        try stack.waitFor("the owner to be replaced") { stack.pids(titled: "octoai: model-owner").contains { $0 != owner } }
        try stack.waitForHealth(200)
        usleep(300_000)
        let result = load.stop()
        print("fault-test kill-9-owner: \(result.ok) ok, \(result.failures.count) failed (503 while the owner was down)")
        #expect(result.failures.allSatisfy { $0.hasPrefix("503 ") }, "\(result.failures.prefix(5))")
        #expect(result.ok > 50)
    }

    @Test func aReloadWhoseSetupFailsKeepsTheOldGenerationServing() throws {
        var options = Stack.Options()
        let trigger = NSTemporaryDirectory() + "octoai-fail-\(UUID().uuidString)"
        options.environment["SETUP_FAIL_FILE"] = trigger
        let stack = try Stack(options)
        defer {
            stack.stop()
            try? FileManager.default.removeItem(atPath: trigger)
        }
        let owner = stack.pids(titled: "octoai: model-owner")
        _ = FileManager.default.createFile(atPath: trigger, contents: Data())
        kill(stack.backend.processIdentifier, SIGHUP)
        try stack.waitFor("the reload to fail") { stack.log.contains("reload failed") }
        #expect(stack.log.contains("SETUP_FAIL=1: EchoService.setup() failed on purpose"))
        #expect(try stack.client.post("/infer", json: #"{"prompt":"still"}"#).object["output"] as? String == "llits")
        #expect(try stack.client.get("/healthcheck").status == 200)
        try stack.waitFor("the failed generation to be gone") { stack.pids(titled: "octoai: model-owner") == owner }
        #expect(stack.backend.isRunning)
    }
}
