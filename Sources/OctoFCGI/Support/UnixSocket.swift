import Glibc

/// Thin, blocking wrappers over the socket calls the transports and the IPC use.
///
/// Everything here runs on dedicated threads (accept loops, IPC readers), never on
/// Swift's cooperative pool, so blocking calls are the simple and fast choice.
enum UnixSocket {
    struct Failure: Error, CustomStringConvertible {
        var call: String
        var code: Int32
        var description: String { "\(call): \(String(cString: strerror(code)))" }
    }

    /// Creates, binds and listens on a Unix-domain socket at `path` (replacing a stale file).
    static func listen(path: String, backlog: Int32 = 1024, mode: mode_t? = nil) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(call: "socket", code: errno) }
        unlink(path)
        var addr = try address(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { let e = errno; close(fd); throw Failure(call: "bind \(path)", code: e) }
        if let mode, chmod(path, mode) != 0 { let e = errno; close(fd); throw Failure(call: "chmod \(path)", code: e) }
        guard Glibc.listen(fd, backlog) == 0 else { let e = errno; close(fd); throw Failure(call: "listen", code: e) }
        return fd
    }

    /// Creates, binds and listens on a TCP socket (`--listen HOST:PORT`).
    static func listenTCP(host: String, port: UInt16, backlog: Int32 = 1024) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(call: "socket", code: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &addr.sin_addr) == 1 else {
            close(fd)
            throw Failure(call: "inet_pton \(host)", code: EINVAL)
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { let e = errno; close(fd); throw Failure(call: "bind \(host):\(port)", code: e) }
        guard Glibc.listen(fd, backlog) == 0 else { let e = errno; close(fd); throw Failure(call: "listen", code: e) }
        return fd
    }

    /// Gives the socket file at `path` to group `name` (so nginx's group can connect
    /// with `--socket-mode 0660`).
    static func setGroup(path: String, name: String) throws {
        guard let group = getgrnam(name) else { throw Failure(call: "getgrnam \(name): no such group", code: ENOENT) }
        guard chown(path, uid_t.max, group.pointee.gr_gid) == 0 else { throw Failure(call: "chown \(path) to group \(name)", code: errno) }
    }

    /// Connects to a Unix-domain socket; fails at once (ECONNREFUSED) when nobody listens.
    static func connect(path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(call: "socket", code: errno) }
        var addr = try address(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { let e = errno; close(fd); throw Failure(call: "connect \(path)", code: e) }
        return fd
    }

    static func address(_ path: String) throws -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < capacity else { throw Failure(call: "socket path too long (\(bytes.count) >= \(capacity)): \(path)", code: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return addr
    }

    /// Writes all of `bytes`; false when the peer is gone.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { writeAll(fd, $0) }
    }

    /// Reads exactly `count` bytes into `buffer`; false on EOF or error.
    static func readExactly(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let n = receive(fd, buffer + offset, count - offset)
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// `recv` that, when nothing is there yet, waits in `poll` for input rather
    /// than inside `recv`: what a blocking `recv` returns, without its extra
    /// wake-up. A reader blocked in a Unix stream socket's `recv` sleeps on the
    /// socket's one wait queue unfiltered, so it is also woken each time the peer
    /// consumes what this side sent (the kernel announces the freed send space on
    /// that queue) and finds nothing to read: one more sleep and wake-up per
    /// call on the IPC, after every answer. `poll` waits for input only.
    /// (`sched_switch` stacks, model owner, echo `/infer` at c=1: 2.0 voluntary
    /// context switches per call, both in `recv`, 30 us apart.)
    /// Returns what `recv` does; `EINTR` is retried.
    static func receive(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, flags: Int32 = 0) -> Int {
        while true {
            let n = recv(fd, buffer, count, flags | Int32(MSG_DONTWAIT))
            if n >= 0 { return n }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: waitReadable(fd)
            default: return n
            }
        }
    }

    /// Blocks until `fd` has input, an error or a hang-up to report.
    static func waitReadable(_ fd: Int32) {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while poll(&entry, 1, -1) < 0, errno == EINTR {}
    }

    /// Marks `fd` close-on-exec, so children spawned later do not inherit it.
    static func setCloseOnExec(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFD)
        if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
    }
}

extension UnixSocket {
    /// A close-on-exec pipe (`pipe2` is not in Swift's Glibc module).
    static func makePipe(nonBlocking: Bool = false) throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Failure(call: "pipe", code: errno) }
        for fd in fds {
            setCloseOnExec(fd)
            if nonBlocking { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }
        return (fds[0], fds[1])
    }
}
