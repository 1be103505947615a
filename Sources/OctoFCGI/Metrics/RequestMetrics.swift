import CoreMetrics
import Synchronization

/// The responder's instruments, through swift-metrics: answers by route and
/// status code, how long inference requests took, and requests in flight.
///
/// Counters for each (route, code) pair are made on first use and kept, so the
/// hot path does one dictionary lookup instead of building a metric (and its
/// dimension array) per request.
final class RequestMetrics: Sendable {
    /// Route labels by route index (``SharedMetrics/builtInRoutes`` then the endpoints).
    let routes: [String]
    private let inFlight = Meter(label: MetricName.inFlight)
    private let duration = CoreMetrics.Timer(label: MetricName.requestDuration)
    /// The counter of each route and status seen so far (made on first use).
    private let counters = Mutex<[Int: Counter]>([:])

    init(endpoints: [String]) {
        routes = SharedMetrics.builtInRoutes + endpoints
    }

    /// A request arrived.
    func begin() { inFlight.increment() }

    /// Its answer is ready. `route`: its index in ``routes`` (nil: unknown path,
    /// counted as `other`); `nanoseconds`: its time, for inference endpoints only.
    func end(route: Int?, status: Int, nanoseconds: UInt64?) {
        inFlight.decrement()
        counter(route: route ?? SharedMetrics.otherRoute, status: status).increment()
        if let nanoseconds { duration.recordNanoseconds(Int64(truncatingIfNeeded: nanoseconds)) }
    }

    private func counter(route: Int, status: Int) -> Counter {
        let key = route << 16 | (status & 0xFFFF)
        return counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: MetricName.requests, dimensions: [("route", routes[route]), ("code", String(status))])
            counters[key] = counter
            return counter
        }
    }
}
