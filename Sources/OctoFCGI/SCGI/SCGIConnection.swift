import Glibc

/// One accepted SCGI connection: reads the header and body nginx sends, writes
/// one answer. SCGI carries exactly one request per connection.
struct SCGIConnection {
    /// Why a request could not be read; logged in one line, then the connection is closed.
    enum ReadFailure: Error, CustomStringConvertible {
        case header(SCGIHeaderError)
        case closedEarly(received: Int, expected: Int)
        case receive(errno: Int32)

        var description: String {
            switch self {
            case let .header(error): "malformed SCGI header: \(error)"
            case let .closedEarly(received, expected): "connection closed after \(received) of \(expected) body bytes"
            case let .receive(code) where code == EAGAIN || code == EWOULDBLOCK: "receive timed out"
            case let .receive(code): "receive failed: \(String(cString: strerror(code)))"
            }
        }
    }

    let fd: Int32
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    /// Applies `timeout` (seconds) to every receive and send, so a stuck peer
    /// cannot hold a transport thread for ever.
    init(fd: Int32, timeout: Double) {
        self.fd = fd
        var tv = timeval(tv_sec: Int(timeout), tv_usec: .init((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads until the whole header has arrived; keeps any body bytes that came with it.
    mutating func readHeader(maxHeaderSize: Int) throws(ReadFailure) -> SCGIHeader {
        while true {
            do throws(SCGIHeaderError) {
                let header = try SCGIHeaderParser.parse(buffer, maxHeaderSize: maxHeaderSize)
                buffer.removeFirst(header.byteCount)
                return header
            } catch .incomplete {
                if try receive() == 0 { throw .header(.incomplete) }
            } catch {
                throw .header(error)
            }
        }
    }

    /// The body: exactly `length` bytes, received straight into its own storage
    /// (after what came with the header) rather than through `chunk` and a copy:
    /// one copy of an upload instead of three (``LargeBuffer``).
    mutating func readBody(length: Int) throws(ReadFailure) -> [UInt8] {
        let buffered = min(buffer.count, length)
        var failure: ReadFailure?
        let body = LargeBuffer.make(count: length) { storage in
            buffer.withUnsafeBytes { storage.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<buffered])) }
            var count = buffered
            while count < length {
                let n = recv(fd, storage.baseAddress! + count, length - count, 0)
                if n > 0 {
                    count += n
                } else if n < 0, errno == EINTR {
                    continue
                } else {
                    failure = n == 0 ? .closedEarly(received: count, expected: length) : .receive(errno: errno)
                    break
                }
            }
            return count
        }
        buffer.removeFirst(buffered)
        if let failure { throw failure }
        return body
    }

    /// Reads and drops up to `length` body bytes (a body over the limit), so nginx
    /// finishes sending before it reads the 413.
    mutating func discardBody(length: Int) {
        var seen = buffer.count
        buffer = []
        while seen < length, let n = try? receive(), n > 0 {
            seen += n
            buffer = []
        }
    }

    /// Writes the answer; false when the peer is gone or stopped reading.
    func write(_ bytes: [UInt8]) -> Bool {
        UnixSocket.writeAll(fd, bytes)
    }

    /// Appends what one `recv` returns to the buffer; 0 at EOF.
    private mutating func receive() throws(ReadFailure) -> Int {
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return n
            }
            if n == 0 { return 0 }
            if errno != EINTR { throw .receive(errno: errno) }
        }
    }
}
