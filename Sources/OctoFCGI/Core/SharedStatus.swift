import Atomics
import Glibc

/// A page of memory shared by the supervisor and every child it spawns.
///
/// The supervisor owns the lifecycle state; responders must answer `/healthcheck`
/// with the *current* state on every request, at nginx speed. A shared page read
/// with one atomic load is both truthful (the supervisor's write is visible at
/// once, no polling interval) and free (no syscall, no IPC per health check).
/// The page lives in an unlinked file the children inherit at a fixed descriptor.
/// `Sendable` unchecked because its one stored pointer is to memory that is only
/// ever read and written through atomics.
package final class SharedStatus: @unchecked Sendable {
    /// The descriptor children find the page at.
    static let inheritedFD: Int32 = 4
    /// Room for the state and for the metrics every process adds to (``SharedMetrics``).
    static let size = 16384

    private enum Slot: Int {
        case state = 0
        /// Bumped each time a model owner is started, so a responder can tell that
        /// its IPC connection belongs to a previous owner.
        case ownerGeneration = 1
    }

    let fd: Int32
    private let base: UnsafeMutableRawPointer

    /// Creates a new page (in the supervisor).
    package static func create() throws -> SharedStatus {
        // An unlinked temporary file: nothing to clean up, nobody else can open it.
        let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        var template = Array("\(dir)/octoai-status-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw UnixSocket.Failure(call: "mkstemp \(dir)", code: errno) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw UnixSocket.Failure(call: "ftruncate", code: errno) }
        return try SharedStatus(fd: Descriptor.moveHigh(fd))
    }

    /// Maps the page a parent handed down at ``inheritedFD`` (in a child).
    static func inherited() throws -> SharedStatus {
        try SharedStatus(fd: inheritedFD)
    }

    private init(fd: Int32) throws {
        self.fd = fd
        guard let p = mmap(nil, SharedStatus.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            throw UnixSocket.Failure(call: "mmap status page", code: errno)
        }
        base = p
    }

    private func atomic(_ slot: Slot) -> UnsafeAtomic<Int> { atomic(at: slot.rawValue) }

    /// The counter at word `index` of the page (``SharedMetrics`` owns words 64 and up).
    func atomic(at index: Int) -> UnsafeAtomic<Int> {
        precondition(index >= 0 && index < SharedStatus.size / 8)
        return UnsafeAtomic(at: (base + index * 8).assumingMemoryBound(to: Int.AtomicRepresentation.self))
    }

    /// The lifecycle state as last published by the supervisor.
    package var state: LifecycleState {
        get { LifecycleState(rawValue: atomic(.state).load(ordering: .acquiring)) ?? .uninitialized }
        set { atomic(.state).store(newValue.rawValue, ordering: .releasing) }
    }

    var ownerGeneration: Int {
        get { atomic(.ownerGeneration).load(ordering: .acquiring) }
        set { atomic(.ownerGeneration).store(newValue, ordering: .releasing) }
    }
}
