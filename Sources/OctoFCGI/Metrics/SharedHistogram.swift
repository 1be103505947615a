import CoreMetrics

/// A swift-metrics timer or recorder that counts each value into one of the
/// shared page's histograms (bucket counts and sum), so the buckets merge
/// across processes by plain addition.
final class SharedHistogram: TimerHandler, RecorderHandler {
    let metrics: SharedMetrics
    let histogram: SharedMetrics.Histogram

    init(_ metrics: SharedMetrics, _ histogram: SharedMetrics.Histogram) {
        self.metrics = metrics
        self.histogram = histogram
    }

    /// Timers: nanoseconds, kept as seconds (the Prometheus base unit).
    func recordNanoseconds(_ duration: Int64) { metrics.observe(histogram, Double(duration) / 1e9) }

    func record(_ value: Int64) { metrics.observe(histogram, Double(value)) }
    func record(_ value: Double) { metrics.observe(histogram, value) }
}
