/// A streaming call in progress on the model's side (a model owner's call over
/// the IPC, or sync mode's call on a thread of the responder): the items the
/// method yields, one at a time, then how it ended.
///
/// The responder reads it with ``next(client:)`` from its transport thread and
/// writes each item to the client before it asks for the next, so a client that
/// reads slowly slows the model down (the IPC socket, and in sync mode a small
/// bounded hand-off, fill up and the method's `yield` waits): memory stays
/// bounded by buffer sizes, never by the length of the stream.
package protocol InferenceStream: AnyObject, Sendable {
    /// Waits for the next event. `client` hanging up ends the wait with
    /// ``StreamEvent/clientGone``; `--request-timeout` bounds each wait (the gap
    /// between items, not the whole stream).
    func next(client: ClientConnection?) -> StreamEvent
    /// The client is gone: the method is told (its next `yield` throws) and the
    /// stream's resources are freed. Safe to call after the stream ended.
    func cancel()
}

/// What a streaming call produced next.
package enum StreamEvent: Sendable {
    /// One item, encoded as JSON.
    case item([UInt8])
    /// The method returned: the CPU time it spent on the whole stream.
    case end(cpuNanoseconds: UInt64)
    /// The method failed (or the model's process died, or the gap between items
    /// passed `--request-timeout`): the answer the call would have had.
    case failed(HTTPResponse)
    /// The client hung up while the stream waited for its next item.
    case clientGone
}

/// How a streaming call started.
package enum StreamStart: Sendable {
    /// Refused or failed before anything was produced: an ordinary answer.
    case failure(HTTPResponse)
    /// Running: read it to its end (or cancel it).
    case started(any InferenceStream)
}

extension InferenceStream {
    /// Waits until `fd` (where this stream's next event arrives) is readable:
    /// nil then. Past `timeout` nanoseconds (0: none) or once `client` hangs up,
    /// the stream is cancelled and the event that ends it is returned instead.
    func awaitNext(on fd: Int32, client: ClientConnection?, timeout: UInt64) -> StreamEvent? {
        let deadline = timeout > 0 ? MonotonicClock.nanoseconds() + timeout : nil
        switch ClientConnection.wait(readable: fd, client: client, until: deadline) {
        case .readable: return nil
        case .timedOut:
            cancel()
            return .failed(.inferenceTimedOut)
        case .clientGone:
            cancel()
            return .clientGone
        }
    }
}

extension InferenceBackend {
    /// A backend without streaming answers 500 (every backend octoai ships streams).
    package func stream(endpoint: Int, input: InferenceInput, client: ClientConnection?) -> StreamStart {
        .failure(.detail(500, "Internal Server Error"))
    }
}
