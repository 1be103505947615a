import Atomics
import CoreMetrics

/// The swift-metrics backend of every octoai process: each metric octoai
/// knows (``MetricName``) becomes a handler that adds to its fixed words of the
/// shared page, so all processes' counts meet in one place (see ``SharedMetrics``).
///
/// The page's layout is fixed, so the mapping is closed: a `route` dimension
/// that is not one of this process's routes counts as `other`, a `code` not
/// among ``SharedMetrics/codes`` counts in the `other` column, and a label that
/// is not octoai's (a service's own metrics) gets a no-op handler.
final class SharedMetricsFactory: MetricsFactory {
    let metrics: SharedMetrics
    /// Route label to its index in the page (``SharedMetrics/builtInRoutes`` then the endpoints).
    let routeIndex: [String: Int]

    /// `endpoints`: the service's endpoint paths, in order (only responders count by route).
    init(metrics: SharedMetrics, endpoints: [String] = []) {
        self.metrics = metrics
        let routes = SharedMetrics.builtInRoutes + endpoints
        var index: [String: Int] = [:]
        for (i, route) in routes.enumerated() where i < SharedMetrics.maxRoutes { index[route] = index[route] ?? i }
        self.routeIndex = index
    }

    private static let bootstrapped = ManagedAtomic(false)

    /// Makes this process's swift-metrics go to `metrics`. Once per process: the
    /// first call wins (swift-metrics allows a single bootstrap), later ones do nothing.
    static func bootstrap(_ metrics: SharedMetrics, endpoints: [String] = []) {
        guard bootstrapped.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        MetricsSystem.bootstrap(SharedMetricsFactory(metrics: metrics, endpoints: endpoints))
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        let scalar: SharedMetrics.Scalar
        switch label {
        case MetricName.requests: return SharedCounter(metrics, word: requestWord(dimensions))
        case MetricName.modelRestarts: scalar = .modelRestarts
        case MetricName.reloads: scalar = .reloads
        case MetricName.requestsCancelled: scalar = .requestsCancelled
        case MetricName.streamItems: scalar = .streamItems
        case MetricName.streamsCancelled: scalar = .streamsCancelled
        default: return NOOPMetricsHandler.instance
        }
        return SharedCounter(metrics, word: SharedMetrics.word(scalar))
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> MeterHandler {
        switch label {
        case MetricName.inFlight: SharedMeter(metrics, word: SharedMetrics.word(.inFlight))
        case MetricName.queueDepth: SharedMeter(metrics, word: SharedMetrics.word(.queueDepth))
        case MetricName.streamsOpen: SharedMeter(metrics, word: SharedMetrics.word(.streamsOpen))
        default: NOOPMetricsHandler.instance
        }
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        guard label == MetricName.batchSize, aggregate else { return NOOPMetricsHandler.instance }
        return SharedHistogram(metrics, .batchSize)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler {
        switch label {
        case MetricName.requestDuration: SharedHistogram(metrics, .requestDuration)
        case MetricName.queueWait: SharedHistogram(metrics, .queueWait)
        case MetricName.inference: SharedHistogram(metrics, .inference)
        case MetricName.streamFirstItem: SharedHistogram(metrics, .streamFirstItem)
        default: NOOPMetricsHandler.instance
        }
    }

    /// The shared words outlive any one handle: nothing to free.
    func destroyCounter(_ handler: CounterHandler) {}
    func destroyMeter(_ handler: MeterHandler) {}
    func destroyRecorder(_ handler: RecorderHandler) {}
    func destroyTimer(_ handler: TimerHandler) {}

    /// The word for `octoai_requests_total{route=..., code=...}`.
    func requestWord(_ dimensions: [(String, String)]) -> Int {
        let route = dimensions.first { $0.0 == "route" }.flatMap { routeIndex[$0.1] } ?? SharedMetrics.otherRoute
        let status = dimensions.first { $0.0 == "code" }.flatMap { Int($0.1) } ?? 0
        return SharedMetrics.requestWord(route: route, status: status)
    }
}
