import CoreMetrics
import Foundation
import Synchronization

import Glibc

/// The responder's side of the IPC (async mode): sends a validated call to the
/// model owner and waits for its answer on a pooled persistent connection.
///
/// A dead owner never makes a client hang: a connection the owner closed (crash,
/// `kill -9`) ends the read at once with EOF, and a socket nobody listens on
/// refuses the connect at once. Both become a 503 the router passes on.
final class ModelOwnerClient: InferenceBackend {
    /// One persistent connection and its frame reader (which may hold bytes
    /// already read), used by one call at a time: `Sendable` unchecked because the
    /// reader's buffer is only touched by the call that checked the connection out
    /// of the pool (under its lock) and until it checks it back in.
    final class PooledConnection: @unchecked Sendable {
        let fd: Int32
        let generation: Int
        let reader: IPCFrameReader
        init(fd: Int32, generation: Int) {
            self.fd = fd
            self.generation = generation
            self.reader = IPCFrameReader(fd: fd)
        }
    }

    let socketPath: String
    let status: SharedStatus
    /// `--request-timeout` in milliseconds; 0 waits for as long as the owner lives.
    let timeoutMilliseconds: UInt32
    private let cancelled = Counter(label: MetricName.requestsCancelled)
    /// Idle connections, and the id of the last call made.
    private struct Pool {
        var idle: [PooledConnection] = []
        var lastID: UInt64
    }

    private let pool: Mutex<Pool>

    init(socketPath: String, status: SharedStatus, requestTimeout: Double = 0) {
        self.socketPath = socketPath
        self.status = status
        self.timeoutMilliseconds = UInt32(max(0, min(requestTimeout, 4_000_000)) * 1000)
        self.pool = Mutex(Pool(lastID: UInt64(getpid()) << 32))
    }

    /// Sends the call and waits for its answer, its timeout, or `client` hanging
    /// up. A client already gone is not sent at all; one that goes while the call
    /// waits gets a cancel frame (the owner drops the call if it has not started).
    /// A form travels as its ``FormPayload`` head followed by the request body,
    /// written one after the other without joining them.
    func call(endpoint: Int, input: InferenceInput, client: ClientConnection?) -> InferenceOutcome {
        if let client, client.isGone { return dropped() }
        let deadline = timeoutMilliseconds > 0 ? MonotonicClock.nanoseconds() + UInt64(timeoutMilliseconds) * 1_000_000 : nil
        guard let (id, c) = send(endpoint: endpoint, input: input) else { return .failure(.modelUnavailable) }
        switch ClientConnection.wait(readable: c.fd, client: client, until: deadline) {
        case .readable: break
        case .timedOut:
            // The owner answers this call later into a closed socket, or skips it.
            close(c.fd)
            return .failure(.inferenceTimedOut)
        case .clientGone:
            // Whether an answer still comes is unknown now: the connection is not reused.
            _ = UnixSocket.writeAll(c.fd, IPCFrame.encodeCancel(id: id))
            close(c.fd)
            return .failure(.clientClosedRequest)
        }
        guard let response = IPCFrame.readResponse(c.reader), response.id == id else {
            close(c.fd)
            return .failure(.modelUnavailable)
        }
        checkIn(c)
        if response.kind == .output { return .output(json: response.payload, cpuNanoseconds: response.cpuNanoseconds) }
        return .failure(Self.failure(response))
    }

    /// Starts a streaming call; its items are read through the stream returned
    /// (an ``OwnerStream``), which holds the connection until the stream ends.
    func stream(endpoint: Int, input: InferenceInput, client: ClientConnection?) -> StreamStart {
        if let client, client.isGone, case let .failure(answer) = dropped() { return .failure(answer) }
        guard let (id, c) = send(endpoint: endpoint, input: input) else { return .failure(.modelUnavailable) }
        return .started(OwnerStream(owner: self, connection: c, id: id))
    }

    /// Sends a call on a pooled connection, or a fresh one; nil when the owner
    /// cannot be reached.
    private func send(endpoint: Int, input: InferenceInput) -> (UInt64, PooledConnection)? {
        let (id, pooled) = checkOut()
        let (head, tail) = FormPayload.parts(of: input)
        let request = IPCFrame.Request(id: id, endpoint: UInt16(endpoint), timeoutMilliseconds: timeoutMilliseconds, payload: head, tail: tail)
        if let c = pooled {
            if IPCFrame.write(request, to: c.fd) { return (id, c) }
            // A pooled connection to an owner that has since been replaced: the
            // call never reached anyone, so one fresh attempt is safe.
            close(c.fd)
        }
        guard let fresh = connect(), IPCFrame.write(request, to: fresh.fd) else { return nil }
        return (id, fresh)
    }

    /// The answer an error frame (0x12, or 0x13 with its own headers) carries.
    static func failure(_ response: IPCFrame.Response) -> HTTPResponse {
        if response.kind == .answer { return IPCFrame.answer(status: response.status, payload: response.payload) ?? .modelUnavailable }
        let status = Int(response.status)
        let headers = status == 503 ? [("Retry-After", "1")] : []
        return .detail(status, String(decoding: response.payload, as: UTF8.self), headers: headers)
    }

    /// A call whose client went away before it was sent: counted, never sent.
    private func dropped() -> InferenceOutcome {
        cancelled.increment()
        return .failure(.clientClosedRequest)
    }

    private func connect() -> PooledConnection? {
        let generation = status.ownerGeneration
        guard let fd = try? UnixSocket.connect(path: socketPath) else { return nil }
        return PooledConnection(fd: fd, generation: generation)
    }

    private func checkOut() -> (UInt64, PooledConnection?) {
        let generation = status.ownerGeneration
        var stale: [PooledConnection] = []
        let taken: (UInt64, PooledConnection?) = pool.withLock { pool in
            pool.lastID &+= 1
            while let c = pool.idle.popLast() {
                if c.generation == generation { return (pool.lastID, c) }
                stale.append(c)
            }
            return (pool.lastID, nil)
        }
        for c in stale { close(c.fd) }
        return taken
    }

    func checkIn(_ c: PooledConnection) {
        pool.withLock { $0.idle.append(c) }
    }

    /// Closes the idle connections beyond `keeping` (the newest are kept): a
    /// burst of 64 calls at once leaves 64, each holding a thread in the model
    /// owner (~14 KiB of stack each, ~0.9 MiB after a c=64 load) for as long as
    /// the connection lives. Run when the responder is quiet (``IdleMemoryTrimmer``):
    /// under load a connection closed here would only be opened again.
    func closeIdleConnections(keeping: Int) {
        let surplus: [PooledConnection] = pool.withLock { pool in
            let count = max(0, pool.idle.count - max(0, keeping))
            let taken = Array(pool.idle.prefix(count))
            pool.idle.removeFirst(count)
            return taken
        }
        for c in surplus { close(c.fd) }
    }
}
