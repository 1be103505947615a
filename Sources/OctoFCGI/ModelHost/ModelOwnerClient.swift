import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The responder's side of the IPC (async mode): sends a validated call to the
/// model owner and waits for its answer on a pooled persistent connection.
///
/// A dead owner never makes a client hang: a connection the owner closed (crash,
/// `kill -9`) ends the read at once with EOF, and a socket nobody listens on
/// refuses the connect at once. Both become a 503 the router passes on.
final class ModelOwnerClient: InferenceBackend, @unchecked Sendable {
    private struct PooledConnection {
        let fd: Int32
        let generation: Int
    }

    let socketPath: String
    let status: SharedStatus
    private let lock = NSLock()
    private var idle: [PooledConnection] = []
    private var nextID: UInt64

    init(socketPath: String, status: SharedStatus) {
        self.socketPath = socketPath
        self.status = status
        self.nextID = UInt64(getpid()) << 32
    }

    static let unavailable = HTTPResponse.detail(503, "Model unavailable", headers: [("Retry-After", "1")])

    func call(endpoint: Int, input: [UInt8]) -> InferenceOutcome {
        let (id, pooled) = checkOut()
        let request = IPCFrame.Request(id: id, endpoint: UInt16(endpoint), payload: input)
        var connection = pooled
        if let c = connection, !IPCFrame.write(request, to: c.fd) {
            // A pooled connection to an owner that has since been replaced: the
            // call never reached anyone, so one fresh attempt is safe.
            close(c.fd)
            connection = nil
        }
        if connection == nil {
            guard let fresh = connect(), IPCFrame.write(request, to: fresh.fd) else { return .failure(Self.unavailable) }
            connection = fresh
        }
        let c = connection!
        guard let response = IPCFrame.readResponse(c.fd), response.id == id else {
            close(c.fd)
            return .failure(Self.unavailable)
        }
        checkIn(c)
        switch response.kind {
        case .output: return .output(json: response.payload, cpuNanoseconds: response.cpuNanoseconds)
        default: return .failure(.detail(Int(response.status), String(decoding: response.payload, as: UTF8.self)))
        }
    }

    private func connect() -> PooledConnection? {
        let generation = status.ownerGeneration
        guard let fd = try? UnixSocket.connect(path: socketPath) else { return nil }
        return PooledConnection(fd: fd, generation: generation)
    }

    private func checkOut() -> (UInt64, PooledConnection?) {
        let generation = status.ownerGeneration
        lock.lock()
        defer { lock.unlock() }
        nextID &+= 1
        while let c = idle.popLast() {
            if c.generation == generation { return (nextID, c) }
            close(c.fd)
        }
        return (nextID, nil)
    }

    private func checkIn(_ c: PooledConnection) {
        lock.lock()
        idle.append(c)
        lock.unlock()
    }
}
