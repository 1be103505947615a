import Glibc

/// A second TCP listening socket on the address of a serving one, for a reload
/// of a `--listen` backend (a TCP port cannot be renamed over like a socket file).
///
/// Both sockets join one `SO_REUSEPORT` group, and a one-instruction classic BPF
/// program attached to the group (`SO_ATTACH_REUSEPORT_CBPF`) decides which of
/// them the kernel gives each new connection: the serving one (index 0) while
/// the new generation loads, the new one (index 1) from the switch on. The old
/// socket's queued connections are still accepted by its responders until it is
/// closed, so no connection is refused or reset. The first listener is bound
/// without `SO_REUSEPORT` (a second `octoai fcgi --listen` on the same port still
/// fails with EADDRINUSE); the flag is set on it only when a reload begins.
enum ReusePortListener {
    /// `SO_ATTACH_REUSEPORT_CBPF` from <asm-generic/socket.h> (not exported to Swift).
    static let attachReusePortCBPF: Int32 = 51
    /// `SO_REUSEPORT` from <asm-generic/socket.h>.
    static let reusePort: Int32 = 15

    /// Opens a listening socket bound to the same address as `serving`, in its reuseport group.
    static func open(beside serving: Int32, backlog: Int32 = 1024) throws -> Int32 {
        var one: Int32 = 1
        guard setsockopt(serving, SOL_SOCKET, reusePort, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw UnixSocket.Failure(call: "setsockopt SO_REUSEPORT", code: errno)
        }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(serving, $0, &length) }
        }
        guard named == 0 else { throw UnixSocket.Failure(call: "getsockname", code: errno) }
        let fd = socket(Int32(address.ss_family), Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw UnixSocket.Failure(call: "socket", code: errno) }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, reusePort, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { let e = errno; close(fd); throw UnixSocket.Failure(call: "bind beside the serving socket", code: e) }
        guard listen(fd, backlog) == 0 else { let e = errno; close(fd); throw UnixSocket.Failure(call: "listen", code: e) }
        return fd
    }

    /// Sends every new connection of the group `member` belongs to to the
    /// socket at `index` (in the order the sockets joined; an index past the
    /// group's end falls back to the kernel's hash, which is right once one is left).
    static func steer(_ member: Int32, toIndex index: UInt32) throws {
        // One `struct sock_filter` (code u16, jt u8, jf u8, k u32, little-endian):
        // BPF_RET | BPF_K, that is "return the constant `index`".
        var instruction = UInt64(0x06) | UInt64(index) << 32
        let rc = withUnsafeMutablePointer(to: &instruction) { filter -> Int32 in
            // `struct sock_fprog` on LP64: the instruction count (u16) at 0, the pointer at 8.
            let fprog = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)
            defer { fprog.deallocate() }
            fprog.initializeMemory(as: UInt8.self, repeating: 0, count: 16)
            fprog.storeBytes(of: UInt16(1), as: UInt16.self)
            fprog.storeBytes(of: UnsafeMutableRawPointer(filter), toByteOffset: 8, as: UnsafeMutableRawPointer.self)
            return setsockopt(member, SOL_SOCKET, attachReusePortCBPF, fprog, 16)
        }
        guard rc == 0 else { throw UnixSocket.Failure(call: "setsockopt SO_ATTACH_REUSEPORT_CBPF", code: errno) }
    }
}
