import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Long-running inference (CONTRACT §8) through real nginx: `X-OctoAI-Async: 1`
/// answers at once with a future; `GET poll_url` tells its state, `GET
/// response_url` gives what the call would have answered. They live in the
/// backend's runtime directory and run in the supervisor, so responders, reloads
/// and model-owner restarts do not lose them.
@Suite struct FuturesTests {
    struct Future {
        var id: String
        var poll: String
        var result: String { poll + "/result" }
    }

    static func submit(_ stack: Stack, _ json: String, path: String = "/infer") throws -> Future {
        let answer = try stack.client.send("POST", path, body: Array(json.utf8), headers: ["Content-Type": "application/json", "X-OctoAI-Async": "1"])
        #expect(answer.status == 202, "\(answer.status) \(answer.text)")
        let id = try #require(answer.object["response_id"] as? String)
        let url = try #require(answer.object["poll_url"] as? String)
        #expect(url == "http://127.0.0.1/futures/\(id)")
        return Future(id: id, poll: "/futures/\(id)")
    }

    static func state(_ stack: Stack, _ future: Future) throws -> String? {
        try stack.client.get(future.poll).object["status"] as? String
    }

    static func waitFor(_ stack: Stack, _ future: Future, _ wanted: String, timeout: Double = 20) throws {
        try stack.waitFor("future \(future.id) to be \(wanted)", timeout: timeout) { try state(stack, future) == wanted }
    }

    @Test(arguments: [Wire.fastcgi, .scgiPython])
    func aFutureGoesFromPendingThroughRunningToCompleted(_ wire: Wire) throws {
        let stack = try Stack(.echo(python: wire.python))
        defer { stack.stop() }
        // With one call at a time, the second waits behind the first: pending, then running.
        let first = try Self.submit(stack, #"{"prompt":"sleep:1.5"}"#)
        let second = try Self.submit(stack, #"{"prompt":"sleep:0.5"}"#)
        try Self.waitFor(stack, first, "running")
        #expect(try Self.state(stack, second) == "pending")
        #expect(try stack.client.get(second.result).status == 202)
        try Self.waitFor(stack, second, "running")
        try Self.waitFor(stack, second, "completed")
        let poll = try stack.client.get(second.poll).object
        #expect(poll["response_url"] as? String == "http://127.0.0.1/futures/\(second.id)/result")
        let answer = try stack.client.get(second.result)
        #expect(answer.status == 200)
        #expect(answer.object["output"] as? String == "5.0:peels")
        let analytics = answer.object["analytics"] as? [String: Any]
        #expect((analytics?["performance_time_ms"] as? Double ?? 0) >= 1900, "it waited behind the first")
        #expect(try stack.metric(#"octoai_futures{state="completed"}"#) == 2)
    }

    @Test func aFailedInferenceIsAFailedFutureWithTheAnswerItGot() throws {
        let stack = try Stack(Stack.Options())
        defer { stack.stop() }
        let future = try Self.submit(stack, #"{"prompt":"boom"}"#)
        try Self.waitFor(stack, future, "failed")
        let answer = try stack.client.get(future.result)
        #expect(answer.status == 500)
        #expect(answer.text == #"{"detail":"Internal Server Error"}"#)
        // Invalid input is refused at once, as a synchronous call is.
        let invalid = try stack.client.send("POST", "/infer", body: Array(#"{"prompt":1}"#.utf8), headers: ["Content-Type": "application/json", "X-OctoAI-Async": "1"])
        #expect(invalid.status == 422)
        #expect(try stack.client.get("/futures/0123456789abcdef0123456789abcdef").status == 404)
        #expect(try stack.client.get("/futures/not-an-id").status == 404)
        #expect(try stack.client.get("/futures/not-an-id/result").status == 404)
    }

    @Test func aStreamingEndpointsFutureKeepsTheWholeStream() throws {
        let stack = try Stack(Stack.Options())
        defer { stack.stop() }
        let future = try Self.submit(stack, #"{"prompt":"abc"}"#, path: "/stream")
        try Self.waitFor(stack, future, "completed")
        let answer = try stack.client.get(future.result)
        #expect(answer.header("content-type") == "text/event-stream")
        #expect(answer.text.hasPrefix("data: {\"token\":\"c\"}\n\ndata: {\"token\":\"b\"}\n\ndata: {\"token\":\"a\"}\n\ndata: {\"analytics\":"))
        #expect(answer.text.hasSuffix("data: [DONE]\n\n"))
    }

    @Test func finishedFuturesExpireAndTheBoundsRefuseNewOnes() throws {
        var options = Stack.Options()
        options.arguments += ["--futures-ttl", "1", "--futures-max-count", "2"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let first = try Self.submit(stack, #"{"prompt":"a"}"#)
        _ = try Self.submit(stack, #"{"prompt":"b"}"#)
        let full = try stack.client.send("POST", "/infer", body: Array(#"{"prompt":"c"}"#.utf8), headers: ["Content-Type": "application/json", "X-OctoAI-Async": "1"])
        #expect(full.status == 503)
        #expect(full.header("retry-after") != nil)
        try Self.waitFor(stack, first, "completed")
        // Past the TTL the answers are gone (404), and there is room again.
        try stack.waitFor("the futures to expire", timeout: 10) { try stack.client.get(first.poll).status == 404 }
        _ = try Self.submit(stack, #"{"prompt":"d"}"#)
    }

    /// A model owner killed while one future runs and another waits: the running
    /// one fails with a 503 (never stays `running`); the waiting one runs on the
    /// restarted owner.
    @Test(arguments: [Wire.fastcgi, .fastcgiPython])
    func aModelOwnerKilledWhileFuturesRunFailsThemWith503(_ wire: Wire) throws {
        let stack = try Stack(.echo(python: wire.python))
        defer { stack.stop() }
        let running = try Self.submit(stack, #"{"prompt":"sleep:30"}"#)
        try Self.waitFor(stack, running, "running")
        let owner = try #require(stack.pids(titled: "octoai: model-owner").first)
        kill(owner, SIGKILL)
        try Self.waitFor(stack, running, "failed")
        let answer = try stack.client.get(running.result)
        #expect(answer.status == 503)
        try stack.waitForHealth(200, timeout: 30)
        let after = try Self.submit(stack, #"{"prompt":"after"}"#)
        try Self.waitFor(stack, after, "completed", timeout: 30)
    }

    /// A reload while futures wait and run: the old generation finishes what it
    /// started, the new one runs the rest; all complete. A responder killed
    /// meanwhile loses nothing either.
    @Test func futuresSurviveAReloadAndAResponderDeath() throws {
        let stack = try Stack(Stack.Options())
        defer { stack.stop() }
        let futures = try (0..<4).map { i in try Self.submit(stack, #"{"prompt":"sleep:0.\#(i + 3)"}"#) }
        if let responder = stack.pids(titled: "octoai: responder 1").first { kill(responder, SIGKILL) }
        kill(stack.backend.processIdentifier, SIGHUP)
        for future in futures { try Self.waitFor(stack, future, "completed", timeout: 30) }
        try stack.waitFor("the reload to finish") { try stack.metric("octoai_reloads_total") == 1 }
        for (i, future) in futures.enumerated() {
            #expect(try stack.client.get(future.result).object["output"] as? String == String("sleep:0.\(i + 3)".reversed()))
        }
    }

    @Test func inSyncModeAFutureIsReadyWhenItIsAnswered() throws {
        var options = Stack.Options()
        options.arguments += ["--async-enable", "false"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let future = try Self.submit(stack, #"{"prompt":"sync"}"#)
        #expect(try Self.state(stack, future) == "completed")
        #expect(try stack.client.get(future.result).object["output"] as? String == "cnys")
    }
}
