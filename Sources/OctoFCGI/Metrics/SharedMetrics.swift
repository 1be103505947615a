import Atomics

/// Counters every octoai process adds to, in the shared status page, so that one
/// scrape of `/metrics` (served by whichever responder nginx picks) sees the
/// whole backend: all responders, the model owner and the supervisor.
///
/// How the pieces fit:
/// - Instrumentation uses the swift-metrics API (`Counter`, `Meter`, `Timer`,
///   `Recorder`; the names are in ``MetricName``), so it reads like any
///   server-side Swift code and could feed another backend.
/// - Every octoai process bootstraps swift-metrics with ``SharedMetricsFactory``,
///   whose handlers add to fixed words of this page (a label with its dimensions
///   maps to a slot; labels it does not know are dropped).
/// - ``MetricsRenderer`` writes the page as Prometheus text.
///
/// Why not swift-prometheus (swift-server/swift-prometheus 2.4.1) for the
/// backend or the rendering: its `PrometheusCollectorRegistry` lives in one
/// process, so a responder's registry cannot see the counts of the other
/// responders, the model owner or the supervisor, and a scrape would show one
/// process's share. Rendering the merged page through it does not work either:
/// its `Histogram` can only `record` observations (bucket counts and sum are
/// private state), so a histogram cannot be built from bucket counts and a sum
/// merged across processes. Counters and gauges alone could be replayed into a
/// fresh registry per scrape, but rendering half the families one way and half
/// another buys nothing, so the renderer writes the text format itself.
package struct SharedMetrics: Sendable {
    let page: SharedStatus

    /// Status codes counted on their own; anything else counts as `other`.
    static let codes = [200, 202, 307, 400, 404, 405, 413, 422, 431, 499, 500, 502, 503, 504]
    /// Built-in routes, then `other` (unknown paths), then the service's endpoints.
    static let builtInRoutes = ["/", "/healthcheck", "/openapi.json", "/docs", "/metrics", "/futures", "other"]
    /// Index of `other` in ``builtInRoutes``: where unknown routes are counted.
    static let otherRoute = builtInRoutes.count - 1
    static let maxRoutes = 32
    /// Upper bounds (seconds) of the latency buckets.
    static let latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Upper bounds of the batch-size buckets.
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128]

    /// Histograms, each `histogramWords` words: one per bucket, +Inf, sum (µs or units).
    enum Histogram: Int, CaseIterable {
        case requestDuration, queueWait, inference, batchSize, streamFirstItem

        var buckets: [Double] { self == .batchSize ? SharedMetrics.batchBuckets : SharedMetrics.latencyBuckets }
        /// Sums are kept in microseconds for durations, in units for batch sizes.
        var scale: Double { self == .batchSize ? 1 : 1_000_000 }
    }

    /// One-word values: gauges (in flight, queue depth) and plain counters.
    enum Scalar: Int, CaseIterable {
        case inFlight, queueDepth, modelRestarts, reloads, requestsCancelled, streamsOpen, streamItems, streamsCancelled
    }

    static let requestsBase = 64
    static let histogramWords = 16
    static let histogramsBase = requestsBase + maxRoutes * (codes.count + 1)
    static let scalarsBase = histogramsBase + Histogram.allCases.count * histogramWords

    init(page: SharedStatus) { self.page = page }

    /// The word counting answers on `route` (index in ``builtInRoutes`` then the
    /// endpoints, below ``maxRoutes``) with `status`; codes not in ``codes`` share
    /// the `other` column.
    static func requestWord(route: Int, status: Int) -> Int {
        precondition(route >= 0 && route < maxRoutes)
        let code = codes.firstIndex(of: status) ?? codes.count
        return requestsBase + route * (codes.count + 1) + code
    }

    /// Answers counted for `route` and the `code`-th entry of ``codes`` (`codes.count`: other).
    func requests(route: Int, code: Int) -> Int {
        page.atomic(at: Self.requestsBase + route * (Self.codes.count + 1) + code).load(ordering: .relaxed)
    }

    func add(word: Int, _ delta: Int) {
        page.atomic(at: word).wrappingIncrement(by: delta, ordering: .relaxed)
    }

    func store(word: Int, _ value: Int) {
        page.atomic(at: word).store(value, ordering: .relaxed)
    }

    /// Counts `value` into `histogram` (NaN and infinities are dropped; the sum saturates).
    func observe(_ histogram: Histogram, _ value: Double) {
        guard value.isFinite else { return }
        let base = Self.histogramsBase + histogram.rawValue * Self.histogramWords
        let bucket = histogram.buckets.firstIndex { value <= $0 } ?? histogram.buckets.count
        page.atomic(at: base + bucket).wrappingIncrement(ordering: .relaxed)
        page.atomic(at: base + histogram.buckets.count + 1).wrappingIncrement(by: Int(max(-1e18, min(1e18, value * histogram.scale))), ordering: .relaxed)
    }

    /// Per-bucket (not cumulative) counts, the +Inf bucket last, and the sum.
    func histogram(_ histogram: Histogram) -> (counts: [Int], sum: Double) {
        let base = Self.histogramsBase + histogram.rawValue * Self.histogramWords
        let counts = (0...histogram.buckets.count).map { page.atomic(at: base + $0).load(ordering: .relaxed) }
        let sum = Double(page.atomic(at: base + histogram.buckets.count + 1).load(ordering: .relaxed)) / histogram.scale
        return (counts, sum)
    }

    static func word(_ scalar: Scalar) -> Int { scalarsBase + scalar.rawValue }

    func value(_ scalar: Scalar) -> Int {
        page.atomic(at: Self.word(scalar)).load(ordering: .relaxed)
    }
}
