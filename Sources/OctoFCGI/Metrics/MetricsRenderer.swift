import Foundation

/// Writes ``SharedMetrics`` in the Prometheus text exposition format (0.0.4):
/// the page already holds every process's counts, merged (see ``SharedMetrics``
/// for why this is not swift-prometheus).
enum MetricsRenderer {
    /// `futures`: how many futures are in each state (nil: the backend keeps none).
    static func render(_ metrics: SharedMetrics, routes: [String], state: LifecycleState, futures: [(state: String, count: Int)]? = nil) -> String {
        var out = ""
        out += "# HELP \(MetricName.requests) Requests answered, by route and status code.\n# TYPE \(MetricName.requests) counter\n"
        for (index, route) in routes.enumerated() where index < SharedMetrics.maxRoutes {
            for (c, code) in (SharedMetrics.codes.map(String.init) + ["other"]).enumerated() {
                let n = metrics.requests(route: index, code: c)
                if n > 0 { out += "\(MetricName.requests){route=\"\(escape(route))\",code=\"\(code)\"} \(n)\n" }
            }
        }
        histogram(&out, metrics, .requestDuration, MetricName.requestDuration, "Time from receiving a request to its answer (inference endpoints).")
        histogram(&out, metrics, .queueWait, MetricName.queueWait, "Time a call waited for the model.")
        histogram(&out, metrics, .inference, MetricName.inference, "Wall time of model calls.")
        histogram(&out, metrics, .batchSize, MetricName.batchSize, "Requests per model call.")
        histogram(&out, metrics, .streamFirstItem, MetricName.streamFirstItem, "Time from receiving a streaming request to its first item.")
        scalar(&out, MetricName.inFlight, "Requests being answered by the responders.", "gauge", metrics.value(.inFlight))
        scalar(&out, MetricName.queueDepth, "Calls waiting for the model.", "gauge", metrics.value(.queueDepth))
        scalar(&out, MetricName.modelRestarts, "Model owners restarted after they died.", "counter", metrics.value(.modelRestarts))
        scalar(&out, MetricName.reloads, "Completed zero-downtime reloads.", "counter", metrics.value(.reloads))
        scalar(&out, MetricName.requestsCancelled, "Requests dropped before the model ran them: nobody waited for the answer any more.", "counter", metrics.value(.requestsCancelled))
        scalar(&out, MetricName.streamsOpen, "Streamed answers being sent.", "gauge", metrics.value(.streamsOpen))
        scalar(&out, MetricName.streamItems, "Stream items sent to clients.", "counter", metrics.value(.streamItems))
        scalar(&out, MetricName.streamsCancelled, "Streams stopped because their client went away.", "counter", metrics.value(.streamsCancelled))
        if let futures {
            out += "# HELP octoai_futures Futures (X-OctoAI-Async calls) kept, by state.\n# TYPE octoai_futures gauge\n"
            for (state, count) in futures { out += "octoai_futures{state=\"\(state)\"} \(count)\n" }
        }
        out += "# HELP octoai_state The lifecycle state (1 for the current one).\n# TYPE octoai_state gauge\n"
        for s in LifecycleState.allCases { out += "octoai_state{state=\"\(s.name)\"} \(s == state ? 1 : 0)\n" }
        return out
    }

    private static func histogram(_ out: inout String, _ metrics: SharedMetrics, _ h: SharedMetrics.Histogram, _ name: String, _ help: String) {
        let (counts, sum) = metrics.histogram(h)
        out += "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        var cumulative = 0
        for (bound, count) in zip(h.buckets, counts) {
            cumulative += count
            out += "\(name)_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        cumulative += counts.last ?? 0
        out += "\(name)_bucket{le=\"+Inf\"} \(cumulative)\n\(name)_sum \(sum)\n\(name)_count \(cumulative)\n"
    }

    private static func scalar(_ out: inout String, _ name: String, _ help: String, _ type: String, _ value: Int) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
    }

    static func escape(_ label: String) -> String {
        label.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
