import CoreMetrics
import Testing

@testable import OctoFCGI

/// The swift-metrics backend: octoai's labels land in the shared page's slots,
/// handles from several processes add up, and the renderer shows the merged page.
@Suite struct SharedMetricsFactoryTests {
    let metrics: SharedMetrics
    let factory: SharedMetricsFactory

    init() throws {
        metrics = SharedMetrics(page: try SharedStatus.create())
        factory = SharedMetricsFactory(metrics: metrics, endpoints: ["/infer", "/tokenize"])
    }

    func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Counter {
        Counter(label: label, dimensions: dimensions, handler: factory.makeCounter(label: label, dimensions: dimensions))
    }

    func render() -> String {
        MetricsRenderer.render(metrics, routes: SharedMetrics.builtInRoutes + ["/infer", "/tokenize"], state: .running)
    }

    @Test func requestCountersMapRouteAndCodeToTheirSlot() {
        counter(MetricName.requests, [("route", "/infer"), ("code", "200")]).increment(by: 2)
        counter(MetricName.requests, [("route", "/tokenize"), ("code", "422")]).increment()
        let text = render()
        #expect(text.contains(#"octoai_requests_total{route="/infer",code="200"} 2"#))
        #expect(text.contains(#"octoai_requests_total{route="/tokenize",code="422"} 1"#))
    }

    @Test func unknownRoutesAndCodesGoToOther() {
        counter(MetricName.requests, [("route", "/nowhere"), ("code", "404")]).increment()
        counter(MetricName.requests, [("route", "/infer"), ("code", "418")]).increment()
        counter(MetricName.requests, [("code", "not a number")]).increment()
        let text = render()
        #expect(text.contains(#"octoai_requests_total{route="other",code="404"} 1"#))
        #expect(text.contains(#"octoai_requests_total{route="/infer",code="other"} 1"#))
        #expect(text.contains(#"octoai_requests_total{route="other",code="other"} 1"#))
    }

    @Test func labelsThatAreNotOctoaisAreDropped() {
        let before = render()
        counter("my_service_tokens_total").increment(by: 5)
        Meter(label: "my_gauge", dimensions: [], handler: factory.makeMeter(label: "my_gauge", dimensions: [])).set(7)
        factory.makeTimer(label: "my_timer", dimensions: []).recordNanoseconds(5)
        factory.makeRecorder(label: MetricName.batchSize, dimensions: [], aggregate: false).record(Int64(3))
        #expect(render() == before)
        #expect(factory.makeCounter(label: "my_service_tokens_total", dimensions: []) is NOOPMetricsHandler)
    }

    @Test func handlesOfSeveralProcessesAddUp() {
        // Each process has its own factory and handles over the same page.
        let other = SharedMetricsFactory(metrics: metrics)
        counter(MetricName.modelRestarts).increment()
        Counter(label: MetricName.modelRestarts, dimensions: [], handler: other.makeCounter(label: MetricName.modelRestarts, dimensions: [])).increment()
        counter(MetricName.requestsCancelled).increment(by: 3)
        #expect(metrics.value(.modelRestarts) == 2)
        #expect(render().contains("octoai_requests_cancelled_total 3\n"))
    }

    @Test func metersGoUpAndDownAndSet() {
        let inFlight = Meter(label: MetricName.inFlight, dimensions: [], handler: factory.makeMeter(label: MetricName.inFlight, dimensions: []))
        inFlight.increment()
        inFlight.increment()
        inFlight.decrement()
        #expect(metrics.value(.inFlight) == 1)
        let depth = Meter(label: MetricName.queueDepth, dimensions: [], handler: factory.makeMeter(label: MetricName.queueDepth, dimensions: []))
        depth.set(7)
        depth.set(3)
        #expect(render().contains("# TYPE octoai_queue_depth gauge\noctoai_queue_depth 3\n"))
    }

    @Test func timersAndRecordersFillHistogramsWithCumulativeBuckets() {
        let timer = factory.makeTimer(label: MetricName.inference, dimensions: [])
        timer.recordNanoseconds(2_000_000)  // 2 ms: the 0.0025 bucket
        timer.recordNanoseconds(300_000_000)  // 0.3 s: the 0.5 bucket
        timer.recordNanoseconds(20_000_000_000)  // 20 s: only +Inf
        let text = render()
        #expect(text.contains(#"octoai_inference_seconds_bucket{le="0.001"} 0"#))
        #expect(text.contains(#"octoai_inference_seconds_bucket{le="0.0025"} 1"#))
        #expect(text.contains(#"octoai_inference_seconds_bucket{le="0.5"} 2"#))
        #expect(text.contains(#"octoai_inference_seconds_bucket{le="10.0"} 2"#))
        #expect(text.contains(#"octoai_inference_seconds_bucket{le="+Inf"} 3"#))
        #expect(text.contains("octoai_inference_seconds_sum 20.302\n"))
        #expect(text.contains("octoai_inference_seconds_count 3\n"))
        factory.makeRecorder(label: MetricName.batchSize, dimensions: [], aggregate: true).record(Int64(5))
        #expect(render().contains(#"octoai_batch_size_bucket{le="8.0"} 1"#))
        #expect(render().contains("octoai_batch_size_sum 5.0\n"))
    }

    @Test func valuesThatAreNotNumbersAreIgnored() {
        let recorder = factory.makeRecorder(label: MetricName.batchSize, dimensions: [], aggregate: true)
        recorder.record(Double.nan)
        recorder.record(Double.infinity)
        #expect(render().contains("octoai_batch_size_count 0\n"))
    }
}
