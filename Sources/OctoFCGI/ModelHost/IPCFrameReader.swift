import Glibc

/// Reads ``IPCFrame`` frames off one connection with, usually, one `recv` per
/// frame.
///
/// A frame's header and a small payload are written with one `send`, so they
/// nearly always arrive together: reading the 5-byte prefix, the rest of the
/// header and the payload separately cost three system calls per frame on each
/// side of every inference (measured in `bench/PROFILE.md`). This reads whatever
/// is there into a small buffer and parses from it; bytes of a following frame
/// stay buffered for the next read. A payload larger than the buffer is read
/// straight into its own storage. One reader per connection, used by one thread
/// at a time.
final class IPCFrameReader {
    let fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0

    /// `capacity` must hold the largest frame header.
    init(fd: Int32, capacity: Int = 8 * 1024) {
        self.fd = fd
        self.buffer = .allocate(byteCount: max(capacity, 64), alignment: 8)
    }

    deinit { buffer.deallocate() }

    /// Whether bytes of a next frame are already buffered: then waiting for the
    /// descriptor to become readable could wait for ever (a stream's last item
    /// and its end frame often arrive in one `recv`).
    var hasBufferedBytes: Bool { end > start }

    /// One frame: its header (`headerSize` of the kind byte at offset 4; nil for
    /// a kind not expected here) and its payload. nil on EOF, an error, or a
    /// malformed frame.
    func readFrame(headerSize: (UInt8) -> Int?) -> (header: [UInt8], payload: [UInt8])? {
        guard let (header, length) = readHeader(headerSize: headerSize), let payload = read(count: length) else { return nil }
        return (header, payload)
    }

    /// A frame's header and the length of the payload that follows it, still to
    /// read (``read(count:)``, ``skip(count:)``); nil as ``readFrame(headerSize:)``.
    func readHeader(headerSize: (UInt8) -> Int?) -> (header: [UInt8], payloadLength: Int)? {
        guard fill(5), let size = headerSize(buffer[start + 4]), size <= buffer.count, fill(size) else { return nil }
        let header = Array(UnsafeRawBufferPointer(rebasing: buffer[start..<(start + size)]))
        start += size
        let length = Int(IPCFrame.get(header, 0) as UInt32)
        guard length >= size - 4, length <= IPCFrame.maxFrameSize else { return nil }
        return (header, length - (size - 4))
    }

    /// The next `count` bytes, in an array of their own; nil on EOF or an error.
    func read(count: Int) -> [UInt8]? {
        var complete = true
        // An upload's payload is megabytes: ``LargeBuffer`` backs it with huge pages.
        let bytes = LargeBuffer.make(count: count) { storage in
            let buffered = min(end - start, storage.count)
            if buffered > 0 {
                storage.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + buffered)]))
                start += buffered
            }
            if buffered < storage.count {
                complete = UnixSocket.readExactly(fd, storage.baseAddress! + buffered, storage.count - buffered)
            }
            return complete ? storage.count : 0
        }
        if start == end { (start, end) = (0, 0) }
        return complete ? bytes : nil
    }

    /// Reads past the next `count` bytes, keeping none of them; false on EOF or an error.
    func skip(count: Int) -> Bool {
        var left = count
        while left > 0 {
            if start == end {
                (start, end) = (0, 0)
                guard fill(1) else { return false }
            }
            let taken = min(left, end - start)
            (start, left) = (start + taken, left - taken)
        }
        if start == end { (start, end) = (0, 0) }
        return true
    }

    /// Reads until at least `count` (<= capacity) bytes are buffered.
    private func fill(_ count: Int) -> Bool {
        if end - start >= count { return true }
        if buffer.count - start < count {
            // Move the partial frame to the front to make room behind it.
            if end > start { memmove(buffer.baseAddress!, buffer.baseAddress! + start, end - start) }
            (start, end) = (0, end - start)
        }
        while end - start < count {
            let n = UnixSocket.receive(fd, buffer.baseAddress! + end, buffer.count - end)
            if n <= 0 { return false }
            end += n
        }
        return true
    }
}
