import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// CONTRACT §3 with real processes: each test gets its own nginx + octoai.
@Suite struct LifecycleTests {
    @Test(arguments: [false, true]) func answers503WithStateWhileSetupRuns(python: Bool) throws {
        var options = Stack.Options.echo(python: python)
        options.environment["SETUP_SECONDS"] = "3"
        options.waitUntilRunning = false
        let stack = try Stack(options)
        defer { stack.stop() }
        let health = try stack.client.get("/healthcheck")
        #expect(health.status == 503)
        let state = health.object["status"] as? String
        #expect(state == "SETUP_SERVICE" || state == "LAUNCH_PREDICT_LOOP")
        #expect(health.object["async_enable"] as? Bool == true)

        let infer = try stack.client.post("/infer", json: #"{"prompt":"x"}"#)
        #expect(infer.status == 503)
        #expect(infer.header("retry-after") != nil)
        #expect(["SETUP_SERVICE", "LAUNCH_PREDICT_LOOP"].contains(infer.object["status"] as? String ?? ""))

        try stack.waitForHealth(200)
        #expect(try stack.client.post("/infer", json: #"{"prompt":"ab"}"#).object["output"] as? String == "ba")
        #expect(stack.log.contains("status: SETUP_SERVICE -> RUNNING"))
    }

    @Test(arguments: [false, true]) func failingSetupExitsWithStatus1AndLogsTheError(python: Bool) throws {
        var options = Stack.Options.echo(python: python)
        options.environment["SETUP_FAIL"] = "1"
        options.waitUntilRunning = false
        let stack = try Stack(options)
        defer { stack.stop() }
        #expect(try stack.waitForExit() == 1)
        #expect(stack.log.contains(python ? "RuntimeError: setup failed on purpose (SETUP_FAIL=1)" : "SETUP_FAIL=1: EchoService.setup() failed on purpose"))
    }

    @Test func setupRetriesRunSetupAgainBeforeGivingUp() throws {
        var options = Stack.Options()
        options.environment["SETUP_FAIL"] = "1"
        options.arguments += ["--setup-retries", "1"]
        options.waitUntilRunning = false
        let stack = try Stack(options)
        defer { stack.stop() }
        #expect(try stack.waitForExit() == 1)
        #expect(stack.log.contains("retry 1 of 1"))
    }

    @Test(arguments: [false, true]) func processesShowTheirRoleInPs(python: Bool) throws {
        let stack = try Stack(.echo(python: python))
        defer { stack.stop() }
        #expect(Stack.commandLine(stack.backend.processIdentifier) == "octoai: supervisor")
        #expect(stack.pids(titled: "octoai: model-owner").count == 1)
        #expect(stack.pids(titled: "octoai: responder 1").count == 1)
    }

    @Test(arguments: [false, true]) func killedIdleModelOwnerIsRestartedAndHealthIsHonest(python: Bool) throws {
        let stack = try Stack(.echo(python: python))
        defer { stack.stop() }
        let owner = try #require(stack.pids(titled: "octoai: model-owner").first)
        kill(owner, SIGKILL)
        // Health leaves RUNNING at once: the first answer after the kill may
        // already come from the restarted owner, so accept either a 503 seen or
        // a new owner pid with a logged restart.
        try stack.waitFor("the owner to be replaced") {
            stack.pids(titled: "octoai: model-owner").contains { $0 != owner }
        }
        try stack.waitForHealth(200)
        #expect(stack.log.contains("was killed by signal 9"))
        #expect(stack.log.contains("status: RUNNING -> LAUNCH_PREDICT_LOOP"))
        #expect(try stack.client.post("/infer", json: #"{"prompt":"back"}"#).object["output"] as? String == "kcab")
    }

    @Test(arguments: [false, true]) func healthIs503UntilAKilledOwnerIsBack(python: Bool) throws {
        var options = Stack.Options.echo(python: python)
        options.environment["SETUP_SECONDS"] = "1.5"
        let stack = try Stack(options)
        defer { stack.stop() }
        let owner = try #require(stack.pids(titled: "octoai: model-owner").first)
        kill(owner, SIGKILL)
        // The restarted owner needs 1.5 s of setup: health must say so meanwhile.
        try stack.waitFor("health to leave RUNNING", timeout: 1) { (try? stack.client.get("/healthcheck"))?.status == 503 }
        let during = try stack.client.post("/infer", json: #"{"prompt":"x"}"#)
        #expect(during.status == 503)
        try stack.waitForHealth(200)
        #expect(try stack.client.post("/infer", json: #"{"prompt":"ok"}"#).status == 200)
    }

    @Test(arguments: [false, true]) func inFlightRequestGets503WhenTheOwnerIsKilled(python: Bool) throws {
        let stack = try Stack(.echo(python: python, debug: true))
        defer { stack.stop() }
        let owner = try #require(stack.pids(titled: "octoai: model-owner").first)
        let client = stack.client
        let inFlight = BackgroundRequest { try client.post("/infer", json: #"{"prompt":"sleep:2"}"#) }
        try stack.waitForACallToStart()
        let killedAt = Date()
        kill(owner, SIGKILL)
        let r = try inFlight.response()
        #expect(r.status == 503)
        #expect(r.header("content-type") == "application/json")
        #expect(Date().timeIntervalSince(killedAt) < 1)
        // The answer can beat the supervisor's SIGCHLD by a few ms: wait for the new owner.
        try stack.waitFor("the owner to be replaced") { stack.pids(titled: "octoai: model-owner").contains { $0 != owner } }
        try stack.waitForHealth(200)
        let after = try stack.client.post("/infer", json: #"{"prompt":"ok"}"#)
        #expect(after.status == 200, "\(after.text)\n\(stack.log)")
    }

    @Test(arguments: [false, true]) func sigtermDrainsInFlightRequestsAndExits0(python: Bool) throws {
        let stack = try Stack(.echo(python: python, debug: true))
        defer { stack.stop() }
        let client = stack.client
        let inFlight = BackgroundRequest { try client.post("/infer", json: #"{"prompt":"sleep:1"}"#) }
        try stack.waitForACallToStart()
        kill(stack.backend.processIdentifier, SIGTERM)
        let r = try inFlight.response()
        #expect(r.status == 200)
        #expect(r.object["output"] as? String == "1:peels")
        #expect(try stack.waitForExit() == 0)
        #expect(stack.log.contains("status: RUNNING -> SHUTTING_DOWN"))
        #expect(stack.log.contains("status: SHUTTING_DOWN -> STOPPED"))
    }

    @Test func syncModeRunsTheServiceInTheResponder() throws {
        var options = Stack.Options()
        options.arguments += ["--async-enable", "false"]
        let stack = try Stack(options)
        defer { stack.stop() }
        #expect(try stack.client.get("/healthcheck").text == #"{"status":"RUNNING","async_enable":false}"#)
        #expect(stack.pids(titled: "octoai: model-owner").isEmpty)
        let r = try stack.client.post("/infer", json: #"{"prompt":"sync"}"#)
        #expect(r.object["output"] as? String == "cnys")
        #expect(try stack.client.post("/infer", json: #"{"prompt":"boom"}"#).status == 500)
        #expect(try stack.client.post("/infer", json: #"{"prompt":"again"}"#).status == 200)
    }

    /// A Python service has no sync mode (its model runs in its interpreter; the
    /// responders never load Python): a start-up error that says so, not a hang.
    @Test func pythonServiceInSyncModeIsAStartUpErrorThatSaysWhy() throws {
        let r = try CLI.run(Wire.fastcgiPython.serviceArguments + ["fcgi", "--socket", NSTemporaryDirectory() + "never.sock", "--async-enable", "false"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("is a Python service"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: NSTemporaryDirectory() + "never.sock"))
    }
}
