import CoreMetrics

/// The `text/event-stream` answer of a streaming endpoint (CONTRACT §8): one
/// `data: <item>` event per item, written to the client as soon as the model
/// produced it, then `data: {"analytics": ...}` and `data: [DONE]`. An error after
/// the first item is a last `data: {"detail": ...}` event (an object with no item
/// fields), then `data: [DONE]`: the octoai client reads every `data:` line as an
/// item, and this is the only one with `detail`.
///
/// The loop asks the model for the next item only after the previous one was
/// written, so a slow reader holds the model back instead of filling memory; a
/// client that is gone (a failed write, or a hang-up while waiting) cancels the
/// stream, which stops the method at its next `yield`.
struct EventStream {
    /// Streams open, items sent, cancellations and time to first item (swift-metrics).
    struct Metrics: Sendable {
        let open = Meter(label: MetricName.streamsOpen)
        let items = Counter(label: MetricName.streamItems)
        let cancelled = Counter(label: MetricName.streamsCancelled)
        let firstItem = CoreMetrics.Timer(label: MetricName.streamFirstItem)
    }

    static let done = Array("data: [DONE]\n\n".utf8)

    /// The answer for a stream whose first event (an item, or its end) has come.
    static func answer(_ stream: any InferenceStream, first: StreamEvent, request: HTTPRequest, metrics: Metrics) -> HTTPResponse {
        let (client, receivedAt) = (request.client, request.receivedAt)
        let body = ResponseStream { write in
            metrics.open.increment()
            defer { metrics.open.decrement() }
            var event = first
            var sent = 0
            while true {
                switch event {
                case let .item(json):
                    guard write(data(json)) else {
                        stream.cancel()
                        return metrics.cancelled.increment()
                    }
                    if sent == 0 { metrics.firstItem.recordNanoseconds(Int64(truncatingIfNeeded: MonotonicClock.nanoseconds() &- receivedAt)) }
                    sent += 1
                    metrics.items.increment()
                case let .end(cpu):
                    let wall = MonotonicClock.nanoseconds() &- receivedAt
                    _ = write(data(analytics(cpuNanoseconds: cpu, wallNanoseconds: wall)) + done)
                    return
                case let .failed(answer):
                    _ = write(data(detail(of: answer)) + done)
                    return
                case .clientGone:
                    return metrics.cancelled.increment()
                }
                event = stream.next(client: client)
            }
        }
        return HTTPResponse(status: 200, contentType: "text/event-stream", headers: [("Cache-Control", "no-cache")], stream: body)
    }

    /// One event: `data: <json>` and the blank line that ends it.
    static func data(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count + 8)
        out.append(contentsOf: "data: ".utf8)
        out.append(contentsOf: json)
        out.append(contentsOf: "\n\n".utf8)
        return out
    }

    /// `{"analytics": {"inference_time_ms", "performance_time_ms"}}` for the whole stream.
    static func analytics(cpuNanoseconds: UInt64, wallNanoseconds: UInt64) -> [UInt8] {
        var out = Array(#"{"analytics":{"inference_time_ms":"#.utf8)
        Router.appendMilliseconds(cpuNanoseconds, to: &out)
        out.append(contentsOf: #","performance_time_ms":"#.utf8)
        Router.appendMilliseconds(wallNanoseconds, to: &out)
        out.append(contentsOf: "}}".utf8)
        return out
    }

    /// The error's own JSON body (`{"detail": ...}` for every error octoai and
    /// FastAPI give), or `{"detail": <reason phrase>}` for one without.
    static func detail(of answer: HTTPResponse) -> [UInt8] {
        if answer.contentType.hasPrefix("application/json"), case .object? = try? JSONParser.parse(answer.body) { return answer.body }
        return JSONValue.object([("detail", .string(HTTPResponse.reason(answer.status)))]).bytes
    }
}
