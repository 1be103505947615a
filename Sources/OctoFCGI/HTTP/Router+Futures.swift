import Foundation

/// Long-running inference (CONTRACT §8): a `POST` with `X-OctoAI-Async: 1` is
/// answered at once with a future, `GET /futures/ID` says how it stands and
/// `GET /futures/ID/result` gives the answer the call would have had. The
/// octoai client's `infer_async`, `is_future_ready` and `get_future_result` read these.
extension Router {
    static let futuresPrefix = "/futures/"

    /// The route of a `/futures/...` path, when the router keeps futures.
    func futureRoute(_ path: String) -> Route? {
        guard futures != nil, path.hasPrefix(Self.futuresPrefix) else { return nil }
        let rest = path.dropFirst(Self.futuresPrefix.count)
        if rest.hasSuffix("/result") { return .future(id: String(rest.dropLast(7)), result: true) }
        return .future(id: String(rest), result: false)
    }

    /// Stores the validated call and answers 202 `{"response_id", "poll_url"}`; 503
    /// when the store is full. With a model owner, the supervisor's dispatcher runs
    /// it; in sync mode (no model owner) it runs here, now, and is ready at once.
    func submitFuture(endpoint index: Int, input: InferenceInput, request: HTTPRequest, futures: FutureStore) -> HTTPResponse {
        let waited = Double(MonotonicClock.nanoseconds() &- request.receivedAt) / 1e9
        guard let id = futures.submit(FutureCall(endpoint: index, input: input, submittedAt: Date().timeIntervalSince1970 - waited)) else {
            return .detail(503, "Too many futures: wait for some to be fetched or to expire", headers: [("Retry-After", "5")])
        }
        if asyncEnable {
            futures.announce(id)
        } else {
            futures.markRunning(id)
            var call = request
            call.client = nil
            futures.finish(id, with: perform(endpoint: index, input: input, request: call).collected())
        }
        return .json(202, ["response_id": .string(id), "poll_url": .string(request.origin + Self.futuresPrefix + id)])
    }

    /// `GET /futures/ID`: `{"response_id", "status", "response_url"}`; with
    /// `result`, the answer once there is one (202 and the state until then).
    func future(_ id: String, result: Bool, origin: String) -> HTTPResponse {
        guard let futures, let state = futures.state(id) else { return .detail(404, "Unknown or expired future") }
        let poll: JSONValue = [
            "response_id": .string(id), "status": .string(state.rawValue),
            "response_url": .string(origin + Self.futuresPrefix + id + "/result"),
        ]
        guard result else { return .json(200, poll) }
        if state == .completed || state == .failed, let answer = futures.answer(id) { return answer }
        return .json(202, poll)
    }
}

extension HTTPResponse {
    /// This answer with a streamed body read to its end into ``body`` (for a
    /// future, whose answer is kept whole).
    func collected() -> HTTPResponse {
        guard let stream else { return self }
        var body: [UInt8] = []
        stream.produce { bytes in
            body += bytes
            return true
        }
        var whole = self
        whole.stream = nil
        whole.headers.removeAll { $0.0 == "X-Accel-Buffering" }
        whole.body = body
        return whole
    }
}
