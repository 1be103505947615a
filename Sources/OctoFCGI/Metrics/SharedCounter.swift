import CoreMetrics

/// A swift-metrics counter that adds to one word of the shared page, so every
/// process's increments land in the same total.
final class SharedCounter: CounterHandler {
    let metrics: SharedMetrics
    let word: Int

    init(_ metrics: SharedMetrics, word: Int) {
        self.metrics = metrics
        self.word = word
    }

    func increment(by amount: Int64) { metrics.add(word: word, Int(truncatingIfNeeded: amount)) }

    /// Resets the shared total (for every process: there is only one).
    func reset() { metrics.store(word: word, 0) }
}
