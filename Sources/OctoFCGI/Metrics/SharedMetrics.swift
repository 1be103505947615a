import Atomics

/// Counters every octoai process adds to, in the shared status page, so that one
/// scrape of `/metrics` (served by whichever responder nginx picks) sees the
/// whole backend: all responders, the model owner and the supervisor.
///
/// An in-process registry (swift-metrics' backends) cannot give that: each
/// process would report only its own share. Plain atomic words in shared memory
/// can, at the cost of a fixed layout: requests by route and status code,
/// latency histograms, gauges.
public struct SharedMetrics: Sendable {
    let page: SharedStatus

    /// Status codes counted on their own; anything else counts as `other`.
    static let codes = [200, 307, 400, 404, 405, 413, 422, 500, 502, 503, 504]
    /// Built-in routes, then `other` (unknown paths), then the service's endpoints.
    static let builtInRoutes = ["/", "/healthcheck", "/openapi.json", "/docs", "/metrics", "other"]
    static let maxRoutes = 32
    /// Upper bounds (seconds) of the latency buckets.
    static let latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Upper bounds of the batch-size buckets.
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128]

    /// Histograms, each `histogramWords` words: one per bucket, +Inf, sum (µs or units).
    enum Histogram: Int, CaseIterable {
        case requestDuration, queueWait, inference, batchSize

        var buckets: [Double] { self == .batchSize ? SharedMetrics.batchBuckets : SharedMetrics.latencyBuckets }
        /// Sums are kept in microseconds for durations, in units for batch sizes.
        var scale: Double { self == .batchSize ? 1 : 1_000_000 }
    }

    enum Gauge: Int, CaseIterable {
        case inFlight, queueDepth, modelRestarts, reloads
    }

    static let requestsBase = 64
    static let histogramWords = 16
    static let histogramsBase = requestsBase + maxRoutes * (codes.count + 1)
    static let gaugesBase = histogramsBase + Histogram.allCases.count * histogramWords

    init(page: SharedStatus) { self.page = page }

    /// Counts one answer. `route` indexes ``builtInRoutes`` then the endpoints.
    func countRequest(route: Int, status: Int, seconds: Double?) {
        guard route < Self.maxRoutes else { return }
        let code = Self.codes.firstIndex(of: status) ?? Self.codes.count
        page.atomic(at: Self.requestsBase + route * (Self.codes.count + 1) + code).wrappingIncrement(ordering: .relaxed)
        if let seconds { observe(.requestDuration, seconds) }
    }

    func requests(route: Int, code: Int) -> Int {
        page.atomic(at: Self.requestsBase + route * (Self.codes.count + 1) + code).load(ordering: .relaxed)
    }

    func observe(_ histogram: Histogram, _ value: Double) {
        let base = Self.histogramsBase + histogram.rawValue * Self.histogramWords
        let bucket = histogram.buckets.firstIndex { value <= $0 } ?? histogram.buckets.count
        page.atomic(at: base + bucket).wrappingIncrement(ordering: .relaxed)
        page.atomic(at: base + histogram.buckets.count + 1).wrappingIncrement(by: Int(value * histogram.scale), ordering: .relaxed)
    }

    /// Per-bucket (not cumulative) counts, the +Inf bucket last, and the sum.
    func histogram(_ histogram: Histogram) -> (counts: [Int], sum: Double) {
        let base = Self.histogramsBase + histogram.rawValue * Self.histogramWords
        let counts = (0...histogram.buckets.count).map { page.atomic(at: base + $0).load(ordering: .relaxed) }
        let sum = Double(page.atomic(at: base + histogram.buckets.count + 1).load(ordering: .relaxed)) / histogram.scale
        return (counts, sum)
    }

    func add(_ gauge: Gauge, _ delta: Int) {
        page.atomic(at: Self.gaugesBase + gauge.rawValue).wrappingIncrement(by: delta, ordering: .relaxed)
    }

    func set(_ gauge: Gauge, _ value: Int) {
        page.atomic(at: Self.gaugesBase + gauge.rawValue).store(value, ordering: .relaxed)
    }

    func value(_ gauge: Gauge) -> Int {
        page.atomic(at: Self.gaugesBase + gauge.rawValue).load(ordering: .relaxed)
    }
}
