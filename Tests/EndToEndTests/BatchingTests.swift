import Foundation
import Testing

/// The dynamic batcher through nginx: concurrent clients, one answer each, in batches.
@Suite struct BatchingTests {
    @Test func concurrentRequestsShareModelCallsAndEachGetsItsAnswer() throws {
        var options = Stack.Options()
        options.service = "BatchEchoService"
        options.arguments = ["--workers", "2", "--threads", "8", "--max-batch-size", "8", "--max-batch-delay-ms", "50"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let client = stack.client
        // A first slow call keeps the model busy while the next 12 queue up behind it.
        let first = BackgroundRequest { try client.post("/infer", json: #"{"prompt":"sleep:0.5"}"#) }
        // In flight: the slow call, and the metrics request asking.
        try stack.waitFor("the first call to start") { try stack.metric("octoai_in_flight") == 2 }
        let requests = (0..<12).map { i in BackgroundRequest { try client.post("/infer", json: #"{"prompt":"req\#(i)"}"#) } }
        let answers = try requests.map { try $0.response() }
        #expect(try first.response().status == 200)
        for (i, r) in answers.enumerated() {
            #expect(r.status == 200)
            let output = r.object["output"] as? [String: Any]
            #expect(output?["output"] as? String == String("req\(i)".reversed()))
            #expect(r.object["analytics"] is [String: Any])
        }
        let sizes = answers.compactMap { ($0.object["output"] as? [String: Any])?["batch_size"] as? Int }
        #expect(sizes.count == 12)
        #expect(sizes.allSatisfy { $0 <= 8 })
        #expect(sizes.contains { $0 > 1 }, "no two requests shared a batch: \(sizes)")
    }

    @Test func aFailingBatchAnswers500ToEachAndTheOwnerLives() throws {
        var options = Stack.Options()
        options.service = "BatchEchoService"
        let stack = try Stack(options)
        defer { stack.stop() }
        let owner = stack.pids(titled: "octoai: model-owner")
        let r = try stack.client.post("/infer", json: #"{"prompt":"fail"}"#)
        #expect(r.status == 500)
        #expect(r.text == #"{"detail":"Internal Server Error"}"#)
        #expect(try stack.client.post("/infer", json: #"{"prompt":"ok"}"#).status == 200)
        #expect(stack.pids(titled: "octoai: model-owner") == owner)
    }
}
