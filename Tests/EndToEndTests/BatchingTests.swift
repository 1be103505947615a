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

    /// A Python service batches through its private `_infer_batch` (which the
    /// seed never sees) and is only run concurrently as far as its
    /// `_max_concurrency` says.
    @Test func aPythonServiceAnswersConcurrentRequestsInBatches() throws {
        let module = Stack.packageRoot.appendingPathComponent("Tests/PythonServices/batch_service/service.py").path
        let refused = try CLI.run(["--service-module", module, "--python", Stack.python, "fcgi", "--socket", "/nonexistent/x.sock", "--model-concurrency", "3"], service: nil)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("allows at most 2"), "\(refused.stderr)")
        var options = Stack.Options()
        options.service = ""
        options.pythonModule = module
        options.arguments = ["--workers", "1", "--threads", "16", "--max-batch-size", "8", "--max-batch-delay-ms", "50"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let client = stack.client
        let first = BackgroundRequest { try client.post("/infer", json: #"{"text":"sleep"}"#) }
        try stack.waitFor("the first call to start") { try stack.metric("octoai_in_flight") == 2 }
        let requests = (0..<12).map { i in BackgroundRequest { try client.post("/infer", json: #"{"text":"t\#(i)"}"#) } }
        let answers = try requests.map { try $0.response() }
        #expect(try first.response().status == 200)
        var sizes: [Int] = []
        for (i, r) in answers.enumerated() {
            #expect(r.status == 200, "\(r.text)")
            let output = r.object["output"] as? [String: Any]
            #expect(output?["text"] as? String == "t\(i)")
            if let size = output?["batch"] as? Int { sizes.append(size) }
        }
        #expect(sizes.count == 12)
        #expect(sizes.allSatisfy { $0 <= 8 })
        #expect(sizes.contains { $0 > 1 }, "no two requests shared a batch: \(sizes)")
    }
}
