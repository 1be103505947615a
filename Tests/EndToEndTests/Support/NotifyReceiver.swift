import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Stands in for systemd's end of `NOTIFY_SOCKET`: a Unix datagram socket whose
/// messages a background thread records, each with what `onMessage` said at the
/// moment it arrived (a test asks `/healthcheck` there). Bounded: the thread stops
/// after `limit` seconds or on ``stop()``.
final class NotifyReceiver: @unchecked Sendable {
    struct Message {
        var fields: [String]
        var observed: String
    }

    let path: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [Message] = []
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    init(path: String, limit: Double = 120, onMessage: @escaping @Sendable ([String]) -> String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(path.utf8) + [0]) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw HTTPClient.Failure(description: "cannot bind \(path): \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let end = Date().addingTimeInterval(limit)
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !isStopped, Date() < end {
                let n = recv(fd, &buffer, buffer.count, 0)
                guard n > 0 else { continue }
                let fields = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n").map(String.init)
                let observed = onMessage(fields)
                lock.lock()
                received.append(Message(fields: fields, observed: observed))
                lock.unlock()
            }
            finished.signal()
        }
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    var messages: [Message] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    func stop() {
        lock.lock()
        let already = stopped
        stopped = true
        lock.unlock()
        guard !already else { return }
        finished.wait()
        close(fd)
        unlink(path)
    }
}
