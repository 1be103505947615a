import CoreMetrics

/// A swift-metrics meter (a gauge that goes up and down) on one word of the
/// shared page. Increments from several processes add up (requests in flight
/// across responders); `set` is for a value one process owns (the queue depth).
/// Values are whole numbers: fractions are dropped.
final class SharedMeter: MeterHandler {
    let metrics: SharedMetrics
    let word: Int

    init(_ metrics: SharedMetrics, word: Int) {
        self.metrics = metrics
        self.word = word
    }

    func set(_ value: Int64) { metrics.store(word: word, Int(truncatingIfNeeded: value)) }
    func set(_ value: Double) { set(Int64(exactly: value.rounded(.towardZero)) ?? 0) }
    func increment(by amount: Double) { metrics.add(word: word, Int(exactly: amount.rounded(.towardZero)) ?? 0) }
    func decrement(by amount: Double) { metrics.add(word: word, -(Int(exactly: amount.rounded(.towardZero)) ?? 0)) }
}
