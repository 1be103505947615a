import Foundation
import Testing

/// CONTRACT §2 overload and timeout answers, through nginx.
@Suite struct BackpressureTests {
    /// In async mode the model owner's queue is bounded; in sync mode each responder's.
    @Test(arguments: ["true", "false"]) func excessRequestsGet503OverloadedAtOnce(asyncEnable: String) throws {
        var options = Stack.Options()
        options.arguments = ["--workers", "1", "--threads", "10", "--max-queue", "2", "--async-enable", asyncEnable]
        let stack = try Stack(options)
        defer { stack.stop() }
        let client = stack.client
        let started = Date()
        // One runs, two wait, the rest are refused: the model runs one call at a time.
        let requests = (0..<8).map { _ in
            BackgroundRequest {
                let r = try client.post("/infer", json: #"{"prompt":"sleep:1"}"#)
                return (r, Date().timeIntervalSince(started))
            }
        }
        let answers = try requests.map { try $0.response() }
        let overloaded = answers.filter { $0.0.status == 503 }
        // Three are accepted when the first has left the queue for the model before the
        // third arrives, two when all arrive first: either way the queue never holds more than 2.
        let accepted = answers.filter { $0.0.status == 200 }.count
        #expect((2...3).contains(accepted))
        #expect(overloaded.count == 8 - accepted)
        for (response, seconds) in overloaded {
            #expect(response.text == #"{"detail":"Overloaded"}"#)
            #expect(response.header("retry-after") == "1")
            #expect(seconds < 0.9, "refused only after \(seconds) s")
        }
        #expect(try client.get("/healthcheck").status == 200)
    }

    @Test func slowInferenceGets504AndAStuckOwnerIsReplaced() throws {
        var options = Stack.Options()
        options.arguments += ["--request-timeout", "0.5"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let owner = try #require(stack.pids(titled: "octoai: model-owner").first)
        let started = Date()
        expectTimedOut(try stack.client.post("/infer", json: #"{"prompt":"sleep:5"}"#))
        #expect(Date().timeIntervalSince(started) < 3)
        try expectReplaced(stack, title: "octoai: model-owner", was: owner, log: "restarts the model owner")
    }

    /// Sync mode runs the model in the responder: the same 504, and the responder is
    /// what gets replaced.
    @Test func inSyncModeASlowCallGets504AndAStuckResponderIsReplaced() throws {
        var options = Stack.Options()
        options.arguments = ["--workers", "1", "--threads", "4", "--async-enable", "false", "--request-timeout", "0.5"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let responder = try #require(stack.pids(titled: "octoai: responder 1").first)
        let client = stack.client
        let started = Date()
        let slow = BackgroundRequest { try client.post("/infer", json: #"{"prompt":"sleep:5"}"#) }
        // In flight: the slow call and this /metrics request.
        try stack.waitFor("the slow call to start") { try stack.metric("octoai_in_flight") == 2 }
        // Waits for the model behind the stuck call, until its own time is up.
        expectTimedOut(try client.post("/infer", json: #"{"prompt":"fast"}"#))
        expectTimedOut(try slow.response())
        #expect(Date().timeIntervalSince(started) < 3)
        try expectReplaced(stack, title: "octoai: responder 1", was: responder, log: "restarts the responder")
    }

    func expectTimedOut(_ response: HTTPClient.Response, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 504, sourceLocation: sourceLocation)
        #expect(response.text == #"{"detail":"Inference timed out"}"#, sourceLocation: sourceLocation)
    }

    /// The process titled `title` (pid `old`), stuck in a call, is replaced: the log
    /// says why (`log`), and once healthy again the backend answers a fast call.
    func expectReplaced(_ stack: Stack, title: String, was old: pid_t, log: String) throws {
        try stack.waitFor("the stuck \(title) to be replaced") { stack.pids(titled: title).contains { $0 != old } }
        #expect(stack.log.contains("is stuck past --request-timeout"))
        #expect(stack.log.contains(log))
        try stack.waitForHealth(200)
        #expect(try stack.client.post("/infer", json: #"{"prompt":"fast"}"#).status == 200)
    }
}

/// `--model-concurrency`: a thread-safe service's calls run in parallel in the model owner.
@Suite struct ModelConcurrencyTests {
    /// Wall time for four concurrent `sleep:0.5` calls.
    func fourConcurrentSleeps(_ arguments: [String]) throws -> Double {
        var options = Stack.Options()
        options.arguments = ["--workers", "1", "--threads", "8"] + arguments
        let stack = try Stack(options)
        defer { stack.stop() }
        let client = stack.client
        let started = Date()
        let requests = (0..<4).map { _ in BackgroundRequest { try client.post("/infer", json: #"{"prompt":"sleep:0.5"}"#) } }
        for r in requests { #expect(try r.response().status == 200) }
        return Date().timeIntervalSince(started)
    }

    @Test func fourCallsRunAtOnceWithConcurrencyFour() throws {
        #expect(try fourConcurrentSleeps(["--model-concurrency", "4"]) < 1.5)
    }

    @Test func oneAtATimeByDefault() throws {
        #expect(try fourConcurrentSleeps([]) >= 2.0)
    }

    @Test func aServiceThatIsNotThreadSafeRefusesConcurrency() throws {
        let r = try CLI.run(["fcgi", "--socket", "/tmp/unused.sock", "--model-concurrency", "2"], service: "TypesService")
        #expect(r.status != 0)
        #expect(r.stderr.contains("TypesService allows at most 1 concurrent calls"))
    }
}

/// With `fastcgi_keep_conn`, a responder thread waits on its nginx connection for
/// the next request; connections nginx opened beyond the thread count must still
/// be served (threads close kept connections while others are queued).
@Suite struct KeptConnectionFairnessTests {
    @Test func moreConcurrentRequestsThanThreadsAreAllAnswered() throws {
        var options = Stack.Options()
        options.arguments = ["--workers", "1", "--threads", "2", "--model-concurrency", "8"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let client = HTTPClient(port: stack.port, timeout: 15)
        for _ in 0..<3 {
            let requests = (0..<8).map { _ in BackgroundRequest { try client.post("/infer", json: #"{"prompt":"sleep:0.2"}"#) } }
            for r in requests { #expect(try r.response().status == 200) }
        }
    }

    /// Threads started for connections beyond `--threads` leave once nginx has
    /// closed those connections: a burst must not leave its threads behind.
    @Test func threadsStartedForABurstLeaveAfterIt() throws {
        var options = Stack.Options()
        options.arguments = ["--workers", "1", "--threads", "2", "--model-concurrency", "8"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let responder = try #require(stack.pids(titled: "octoai: responder 1").first)
        let threads = { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(responder)/task").count) ?? 0 }
        let before = threads()
        let client = HTTPClient(port: stack.port, timeout: 15)
        for _ in 0..<3 {
            // nginx keeps 2 connections (Stack's keepalive) and opens the other 6 for the burst.
            let requests = (0..<8).map { _ in BackgroundRequest { try client.post("/infer", json: #"{"prompt":"sleep:0.2"}"#) } }
            for r in requests { #expect(try r.response().status == 200) }
        }
        // What may stay: a thread per kept connection (2) and one accepting.
        try stack.waitFor("the burst's threads to leave") { threads() <= before + 2 }
    }
}
