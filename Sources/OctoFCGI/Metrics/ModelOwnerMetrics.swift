import CoreMetrics

/// The model owner's instruments, through swift-metrics: queue depth, how long
/// calls waited and ran, batch sizes, and calls dropped because their client
/// went away.
struct ModelOwnerMetrics: Sendable {
    let queueDepth = Meter(label: MetricName.queueDepth)
    let queueWait = CoreMetrics.Timer(label: MetricName.queueWait)
    let inference = CoreMetrics.Timer(label: MetricName.inference)
    let batchSize = Recorder(label: MetricName.batchSize, aggregate: true)
    let cancelled = Counter(label: MetricName.requestsCancelled)
}
