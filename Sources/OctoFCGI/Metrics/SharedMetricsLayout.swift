/// Where ``SharedMetrics`` keeps the model owner's figures in the shared page,
/// for a model owner that is not this binary (the Python host): handed to it in
/// `OCTOAI_CHILD` (`metricsLayout`), so the layout is stated once, here.
package struct SharedMetricsLayout: Codable, Sendable, Equatable {
    /// A histogram: its first word, its bucket bounds (then +Inf), the word of its
    /// sum, and the factor the sum is kept in (1e6: microseconds; 1: units).
    package struct Histogram: Codable, Sendable, Equatable {
        var base: Int
        var buckets: [Double]
        var sumWord: Int
        var scale: Double
    }

    var queueDepth: Int
    var requestsCancelled: Int
    var queueWait: Histogram
    var inference: Histogram
    var batchSize: Histogram

    /// The layout this binary's ``SharedMetrics`` uses.
    package static let current = SharedMetricsLayout(
        queueDepth: SharedMetrics.word(.queueDepth), requestsCancelled: SharedMetrics.word(.requestsCancelled),
        queueWait: histogram(.queueWait), inference: histogram(.inference), batchSize: histogram(.batchSize))

    static func histogram(_ histogram: SharedMetrics.Histogram) -> Histogram {
        let base = SharedMetrics.histogramsBase + histogram.rawValue * SharedMetrics.histogramWords
        return Histogram(base: base, buckets: histogram.buckets, sumWord: base + histogram.buckets.count + 1, scale: histogram.scale)
    }
}
