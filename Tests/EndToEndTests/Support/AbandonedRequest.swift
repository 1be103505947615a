import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP request sent on a raw loopback connection and left waiting, whose
/// client then goes away (``abandon()`` closes the socket without reading), as a
/// browser tab closed or a `curl --max-time` that expired would.
final class AbandonedRequest {
    private var fd: Int32

    init(port: Int, path: String, json: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPClient.Failure(description: "socket failed") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else {
            close(fd)
            throw HTTPClient.Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        let body = Array(json.utf8)
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        let request = Array(head.utf8) + body
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count else {
            close(fd)
            throw HTTPClient.Failure(description: "send failed: errno \(errno)")
        }
    }

    /// The client goes away: the connection closes with the answer unread.
    func abandon() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    deinit { abandon() }
}
