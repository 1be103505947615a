import Foundation
import Testing

/// Streaming endpoints (CONTRACT §8) through real nginx: EchoService's
/// `POST /stream` sends the characters of its `/infer` answer one event each.
@Suite struct StreamingTests {
    /// The Swift EchoService over each transport in async mode (through the model
    /// owner) and in sync mode, and a Python service whose `/stream` is a
    /// generator (`Tests/PythonServices/stream_service`) over each transport.
    static let modes: [(Wire, Bool)] = Wire.allCases.flatMap { wire in [(wire, true), (wire, false)] } + [(.fastcgiPython, true), (.scgiPython, true)]

    static func stack(_ wire: Wire, async: Bool, extra: [String] = []) throws -> Stack {
        var options = Stack.Options()
        options.wire = wire
        if wire.python {
            options.pythonModule = Stack.packageRoot.appendingPathComponent("Tests/PythonServices/stream_service/service.py").path
            options.service = "StreamEchoService"
        }
        options.arguments += ["--async-enable", async ? "true" : "false"] + extra
        return try Stack(options)
    }

    /// With 500 ms between items, item k leaves the model at k x 0.5 s: it must
    /// reach the client then, not when the stream ends. Anything that buffers
    /// (nginx, libfcgi, the responder, the IPC) would deliver them together at the end.
    @Test(arguments: modes)
    func eachItemArrivesAsSoonAsTheModelProducedIt(_ wire: Wire, async: Bool) throws {
        let stack = try Self.stack(wire, async: async)
        defer { stack.stop() }
        let stream = try EventStreamClient(port: stack.port, path: "/stream", json: #"{"prompt":"jihgfedcba","delay_ms":500}"#)
        let events = try stream.readAll()
        #expect(stream.status == 200)
        #expect(stream.headers["content-type"] == "text/event-stream")
        #expect(stream.headers["cache-control"] == "no-cache")
        #expect(events.map(\.data).suffix(1) == ["[DONE]"])
        let items = events.dropLast(2)
        #expect(items.map { $0.json["token"] as? String ?? "?" }.joined() == "abcdefghij")
        for (k, item) in items.enumerated() {
            // Never early (it did not exist yet), never held back (the slack is for a loaded machine).
            #expect(item.at >= Double(k) * 0.5 - 0.05, "item \(k) at \(item.at) s")
            #expect(item.at < Double(k) * 0.5 + 0.45, "item \(k) at \(item.at) s: held back")
        }
        let analytics = events[events.count - 2].json["analytics"] as? [String: Any]
        #expect((analytics?["performance_time_ms"] as? Double ?? 0) >= 4500)
        // The method slept between items: its CPU time is small.
        #expect((analytics?["inference_time_ms"] as? Double ?? 1e9) < 1000)
        #expect(try stack.metric("octoai_stream_items_total") == 10)
        #expect(try stack.metric("octoai_streams_open") == 0)
        #expect(try stack.metric("octoai_stream_first_item_seconds_count") == 1)
    }

    @Test(arguments: modes)
    func anErrorAfterTheFirstItemIsALastDetailEvent(_ wire: Wire, async: Bool) throws {
        let stack = try Self.stack(wire, async: async)
        defer { stack.stop() }
        let events = try EventStreamClient(port: stack.port, path: "/stream", json: #"{"prompt":"boom"}"#).readAll()
        #expect(events.map(\.data) == [#"{"token":"m"}"#, #"{"detail":"Internal Server Error"}"#, "[DONE]"])
        // And serving goes on.
        let after = try EventStreamClient(port: stack.port, path: "/stream", json: #"{"prompt":"ok"}"#).readAll()
        #expect(after.count == 4)
        #expect(stack.log.contains(wire.python ? "ValueError: boom requested" : "boom: EchoService.infer() failed on purpose"))
    }

    @Test(arguments: Wire.everyKind)
    func errorsBeforeTheFirstItemAreOrdinaryJSONAnswers(_ wire: Wire) throws {
        let stack = try Self.stack(wire, async: true)
        defer { stack.stop() }
        let invalid = try stack.client.post("/stream", json: #"{"prompt":3}"#)
        #expect(invalid.status == 422)
        #expect(invalid.header("content-type") == "application/json")
        #expect(invalid.text.contains(#""type":"string_type""#))
        // An empty answer is still a stream: its analytics, then [DONE].
        let empty = try EventStreamClient(port: stack.port, path: "/stream", json: #"{"prompt":""}"#).readAll()
        #expect(empty.count == 2)
        #expect(empty.first?.json["analytics"] != nil)
        // The schema says what the events carry.
        let document = try stack.client.get("/openapi.json").object
        let operation = ((document["paths"] as? [String: Any])?["/stream"] as? [String: Any])?["post"] as? [String: Any]
        let ok = (operation?["responses"] as? [String: Any])?["200"] as? [String: Any]
        let schema = ((ok?["content"] as? [String: Any])?["text/event-stream"] as? [String: Any])?["schema"] as? [String: Any]
        let data = ((schema?["properties"] as? [String: Any])?["data"] as? [String: Any])?["anyOf"] as? [[String: Any]]
        let events = ((data?.first?["contentSchema"] as? [String: Any])?["anyOf"] as? [[String: Any]])?.compactMap { $0["$ref"] as? String }
        #expect(events == ["#/components/schemas/StreamItem", "#/components/schemas/StreamAnalytics", "#/components/schemas/ErrorDetail"])
    }

    /// A client that leaves after 2 of 16 items (300 ms apart): the method is
    /// stopped at its next `yield` (its call ends about 300 ms later, not after
    /// the 4.5 s the rest would take), counted, and the server keeps serving.
    @Test(arguments: modes)
    func aClientThatLeavesStopsTheGeneration(_ wire: Wire, async: Bool) throws {
        let stack = try Self.stack(wire, async: async, extra: ["--log-level", "DEBUG"])
        defer { stack.stop() }
        let stream = try EventStreamClient(port: stack.port, path: "/stream", json: #"{"prompt":"abcdefghijklmnop","delay_ms":300}"#)
        _ = try stream.next()
        _ = try stream.next()
        stream.disconnect()
        let left = Date()
        try stack.waitFor("the method to stop", timeout: 3) { stack.log.contains("stopped: its client went away") }
        // The Python generator sees it too: GeneratorExit at its yield.
        if wire.python { #expect(stack.log.contains("StreamEchoService.stream: stopped by its client (1)")) }
        #expect(Date().timeIntervalSince(left) < 2.5)
        try stack.waitFor("the cancel to be counted", timeout: 5) { try stack.metric("octoai_streams_cancelled_total") == 1 }
        #expect(try stack.metric("octoai_stream_items_total") ?? 99 <= 3)
        let after = try EventStreamClient(port: stack.port, path: "/stream", json: #"{"prompt":"still"}"#).readAll()
        #expect(after.dropLast(2).map { $0.json["token"] as? String ?? "" }.joined() == "llits")
    }

    /// A client that reads nothing for a while: the model is held back (items
    /// stop being sent once the kernel's socket buffers, a few MB on loopback, are
    /// full; memory stays bounded), and once it reads, everything comes.
    /// FastCGI only: SCGI writes the same way (a blocking write per event), and the
    /// half-million events load the machine for the tests running beside it.
    @Test(arguments: [Wire.fastcgi])
    func aSlowReaderHoldsTheModelBack(_ wire: Wire) throws {
        let stack = try Self.stack(wire, async: true)
        defer { stack.stop() }
        let count = 500_000
        let prompt = String(repeating: "x", count: count)
        let stream = try EventStreamClient(port: stack.port, path: "/stream", json: #"{"prompt":"\#(prompt)","max_tokens":\#(count)}"#)
        try stream.readHead()
        // Items stop being sent while nobody reads: the count settles, well before the end.
        var stalled = -1.0
        try stack.waitFor("the stream to stall", timeout: 30) {
            let now = try stack.metric("octoai_stream_items_total") ?? 0
            defer { stalled = now }
            if now != stalled { Thread.sleep(forTimeInterval: 0.5) }
            return now == stalled
        }
        #expect(stalled < Double(count), "the model went on while nobody read")
        let rss = try #require(stack.totalRSSKilobytes())
        #expect(rss < 200_000, "\(rss) kB while a client reads nothing")
        let events = try stream.readAll()
        #expect(events.count == count + 2)
        #expect(events.last?.data == "[DONE]")
    }
}
