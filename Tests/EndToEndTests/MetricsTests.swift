import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `GET /metrics`: Prometheus text, whole across responders and the model owner.
@Suite struct MetricsTests {
    func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test(arguments: [false, true]) func countsAreWholeAcrossProcesses(python: Bool) throws {
        var options = Stack.Options.echo(python: python)
        options.arguments = ["--workers", "2", "--threads", "4"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let client = stack.client
        let requests = (0..<20).map { i in BackgroundRequest { try client.post("/infer", json: #"{"prompt":"m\#(i)"}"#) } }
        for r in requests { #expect(try r.response().status == 200) }
        #expect(try client.post("/infer", json: "{}").status == 422)
        #expect(try client.get("/nope").status == 404)
        let owner = try #require(stack.pids(titled: "octoai: model-owner").first)
        kill(owner, SIGKILL)
        try stack.waitFor("the owner to be replaced") { stack.pids(titled: "octoai: model-owner").contains { $0 != owner } }
        try stack.waitForHealth(200)

        let scrape = try client.get("/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = scrape.text
        #expect(value(text, #"octoai_requests_total{route="/infer",code="200"}"#) == 20)
        #expect(value(text, #"octoai_requests_total{route="/infer",code="422"}"#) == 1)
        #expect(value(text, #"octoai_requests_total{route="other",code="404"}"#) == 1)
        #expect(value(text, "octoai_request_duration_seconds_count") == 21)
        #expect(value(text, "octoai_inference_seconds_count") ?? 0 >= 1)
        #expect(value(text, "octoai_queue_wait_seconds_count") ?? 0 >= 1)
        #expect(value(text, "octoai_model_restarts_total") == 1)
        #expect(value(text, #"octoai_state{state="RUNNING"}"#) == 1)
        #expect(value(text, "octoai_in_flight") == 1)  // the scrape itself
        #expect(text.contains("# TYPE octoai_request_duration_seconds histogram"))
    }

    @Test func canBeTurnedOff() throws {
        var options = Stack.Options()
        options.arguments += ["--metrics", "false"]
        let stack = try Stack(options)
        defer { stack.stop() }
        #expect(try stack.client.get("/metrics").status == 404)
    }
}
