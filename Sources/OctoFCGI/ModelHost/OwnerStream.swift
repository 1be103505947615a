import Synchronization

import Glibc

/// A streaming call in the model owner, read frame by frame off the IPC
/// connection it was sent on (see ``IPCFrame``): `item` frames, then `end` or an
/// error. The connection goes back to the pool only after a clean end; a stream
/// that is cancelled, times out or breaks closes it, which is also how the owner
/// learns that nobody reads the stream any more (its next item write fails and
/// the method's `yield` throws).
final class OwnerStream: InferenceStream {
    private let owner: ModelOwnerClient
    private let id: UInt64
    /// The connection while the stream is open; nil once it ended or was cancelled.
    private let connection: Mutex<ModelOwnerClient.PooledConnection?>

    init(owner: ModelOwnerClient, connection: ModelOwnerClient.PooledConnection, id: UInt64) {
        self.owner = owner
        self.id = id
        self.connection = Mutex(connection)
    }

    deinit { cancel() }

    func next(client: ClientConnection?) -> StreamEvent {
        guard let c = connection.withLock({ $0 }) else { return .failed(.modelUnavailable) }
        // Bytes already buffered may hold the next frame whole: then nothing more arrives to wait for.
        if !c.reader.hasBufferedBytes, let ended = awaitNext(on: c.fd, client: client, timeout: UInt64(owner.timeoutMilliseconds) * 1_000_000) {
            return ended
        }
        guard let frame = IPCFrame.readResponse(c.reader), frame.id == id else {
            cancel()
            return .failed(.modelUnavailable)
        }
        switch frame.kind {
        case .item: return .item(frame.payload)
        case .end:
            finish(returning: c)
            return .end(cpuNanoseconds: frame.cpuNanoseconds)
        case .output:
            // A non-streaming answer to a streaming call: the two sides disagree on the endpoint.
            cancel()
            return .failed(.detail(500, "Internal Server Error"))
        default:
            finish(returning: c)
            return .failed(ModelOwnerClient.failure(frame))
        }
    }

    func cancel() {
        guard let c = connection.withLock({ taken in defer { taken = nil }; return taken }) else { return }
        close(c.fd)
    }

    /// The stream ended cleanly: its connection can carry the next call.
    private func finish(returning c: ModelOwnerClient.PooledConnection) {
        guard connection.withLock({ taken in defer { taken = nil }; return taken != nil }) else { return }
        owner.checkIn(c)
    }
}
