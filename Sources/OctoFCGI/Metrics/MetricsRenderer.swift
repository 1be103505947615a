import Foundation

/// Writes ``SharedMetrics`` in the Prometheus text exposition format (0.0.4).
enum MetricsRenderer {
    static func render(_ metrics: SharedMetrics, routes: [String], state: LifecycleState) -> String {
        var out = ""
        out += "# HELP octoai_requests_total Requests answered, by route and status code.\n# TYPE octoai_requests_total counter\n"
        for (index, route) in routes.enumerated() where index < SharedMetrics.maxRoutes {
            for (c, code) in (SharedMetrics.codes.map(String.init) + ["other"]).enumerated() {
                let n = metrics.requests(route: index, code: c)
                if n > 0 { out += "octoai_requests_total{route=\"\(escape(route))\",code=\"\(code)\"} \(n)\n" }
            }
        }
        histogram(&out, metrics, .requestDuration, "octoai_request_duration_seconds", "Time from receiving a request to its answer (inference endpoints).")
        histogram(&out, metrics, .queueWait, "octoai_queue_wait_seconds", "Time a call waited for the model.")
        histogram(&out, metrics, .inference, "octoai_inference_seconds", "Wall time of model calls.")
        histogram(&out, metrics, .batchSize, "octoai_batch_size", "Requests per model call.")
        gauge(&out, "octoai_in_flight", "Requests being answered by the responders.", "gauge", metrics.value(.inFlight))
        gauge(&out, "octoai_queue_depth", "Calls waiting for the model.", "gauge", metrics.value(.queueDepth))
        gauge(&out, "octoai_model_restarts_total", "Model owners restarted after they died.", "counter", metrics.value(.modelRestarts))
        gauge(&out, "octoai_reloads_total", "Completed zero-downtime reloads.", "counter", metrics.value(.reloads))
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

    private static func gauge(_ out: inout String, _ name: String, _ help: String, _ type: String, _ value: Int) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
    }

    static func escape(_ label: String) -> String {
        label.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
