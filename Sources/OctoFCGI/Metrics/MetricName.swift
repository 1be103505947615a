/// The labels octoai's instrumentation gives swift-metrics, which are also the
/// Prometheus family names `/metrics` shows. ``SharedMetricsFactory`` maps
/// exactly these to slots of the shared page; keeping them in one place keeps the
/// instrumentation and the backend from drifting apart.
enum MetricName {
    /// Counter with dimensions `route` (a path, or `other`) and `code` (the HTTP status).
    static let requests = "octoai_requests_total"
    /// Timer: from receiving an inference request to its answer.
    static let requestDuration = "octoai_request_duration_seconds"
    /// Timer: how long a call waited in the model owner's queue.
    static let queueWait = "octoai_queue_wait_seconds"
    /// Timer: wall time of one model call (a batch counts once).
    static let inference = "octoai_inference_seconds"
    /// Recorder (aggregate): requests per model call.
    static let batchSize = "octoai_batch_size"
    /// Meter: requests the responders are answering right now.
    static let inFlight = "octoai_in_flight"
    /// Meter: calls waiting for the model.
    static let queueDepth = "octoai_queue_depth"
    /// Counter: model owners restarted after they died.
    static let modelRestarts = "octoai_model_restarts_total"
    /// Counter: completed zero-downtime reloads.
    static let reloads = "octoai_reloads_total"
    /// Counter: requests dropped before the model ran them because nobody waited for
    /// the answer any more (the client went away, or its responder timed out or died).
    static let requestsCancelled = "octoai_requests_cancelled_total"
    /// Meter: streamed answers being sent right now.
    static let streamsOpen = "octoai_streams_open"
    /// Counter: stream items sent to clients.
    static let streamItems = "octoai_stream_items_total"
    /// Counter: streams stopped because their client went away (the model was told).
    static let streamsCancelled = "octoai_streams_cancelled_total"
    /// Timer: from receiving a streaming request to its first item leaving for the client.
    static let streamFirstItem = "octoai_stream_first_item_seconds"
}
