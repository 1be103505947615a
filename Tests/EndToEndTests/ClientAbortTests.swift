import Foundation
import Testing

/// Requests whose client went away before the model got to them are dropped,
/// never run (nginx closes the upstream connection on a client abort; the
/// responder notices and cancels the call in the model owner's queue).
@Suite struct ClientAbortTests {
    @Test(arguments: Wire.everyKind)
    func queuedRequestsWhoseClientLeftNeverReachTheModel(_ wire: Wire) throws {
        var options = Stack.Options()
        options.wire = wire
        options.arguments = ["--workers", "1", "--threads", "8", "--model-concurrency", "1"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let client = stack.client
        // The model is busy with this one; what comes next waits in the owner's queue.
        // Long enough that four more connections through nginx are queued behind it
        // on a saturated machine (CI once needed more than 2 s for them).
        let busy = BackgroundRequest { try client.post("/infer", json: #"{"prompt":"sleep:8"}"#) }
        try stack.waitFor("the busy call to start") { try stack.metric("octoai_in_flight") == 2 }
        let abandoned = try (0..<4).map { i in try AbandonedRequest(port: stack.port, path: "/infer", json: #"{"prompt":"gone \#(i)"}"#) }
        try stack.waitFor("four calls queued behind it") { try stack.metric("octoai_queue_depth") == 4 }
        for request in abandoned { request.abandon() }
        try stack.waitFor("the four to be dropped") { try stack.metric("octoai_requests_cancelled_total") == 4 }
        #expect(try stack.metric("octoai_queue_depth") == 0)

        #expect(try busy.response().status == 200)
        // Only the busy call ran: the model never saw the abandoned ones.
        #expect(try stack.metric("octoai_inference_seconds_count") == 1)
        #expect(try stack.metric(#"octoai_requests_total{route="/infer",code="499"}"#) == 4)
        // And serving goes on.
        let after = try client.post("/infer", json: #"{"prompt":"still here"}"#)
        #expect(after.status == 200)
        #expect(after.object["output"] as? String == "ereh llits")
        #expect(try stack.metric("octoai_inference_seconds_count") == 2)
        #expect(try stack.metric("octoai_requests_cancelled_total") == 4)
    }

    @Test func inSyncModeACallWaitingForTheModelIsDroppedWhenItsClientLeft() throws {
        // Sync mode: one call at a time in the responder; a call that waited for
        // the model and whose client left meanwhile is dropped when its turn comes.
        var options = Stack.Options()
        options.arguments = ["--workers", "1", "--threads", "4", "--async-enable", "false"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let client = stack.client
        let busy = BackgroundRequest { try client.post("/infer", json: #"{"prompt":"sleep:1.5"}"#) }
        try stack.waitFor("the busy call to start") { try stack.metric("octoai_in_flight") == 2 }
        let abandoned = try AbandonedRequest(port: stack.port, path: "/infer", json: #"{"prompt":"gone"}"#)
        try stack.waitFor("the second call to wait") { try stack.metric("octoai_in_flight") == 3 }
        abandoned.abandon()
        #expect(try busy.response().status == 200)
        try stack.waitFor("the waiting call to be dropped") { try stack.metric("octoai_requests_cancelled_total") == 1 }
        #expect(try stack.metric(#"octoai_requests_total{route="/infer",code="200"}"#) == 1)
        #expect(try client.post("/infer", json: #"{"prompt":"ok"}"#).status == 200)
    }
}
