/// The framed protocol between responders and the model owner.
///
/// Each responder transport thread holds its own persistent Unix-domain stream
/// connection to the owner and has at most one request outstanding on it, so
/// frames need no multiplexing beyond a request id kept as a sanity check.
/// All integers are little-endian.
///
/// ```
/// request  = u32 length | u8 kind=1 (call) | u64 request id | u16 endpoint
///            | u32 timeout ms (0 = none) | payload
/// response = u32 length | u8 kind (0x11 = output, 0x12 = error) | u64 request id
///            | u16 HTTP status | u64 model CPU ns | payload
/// ```
/// The timeout lets the owner skip a call whose client has already been told
/// 504 while it waited in the queue, and notice a call stuck past it.
/// `length` counts the bytes after itself. A request's payload is the validated,
/// normalised JSON input; a response's is the encoded `Output` (kind 0x11) or the
/// client-facing detail message (kind 0x12). Anything malformed closes the connection:
/// the peer then answers its request with 503, never hangs.
enum IPCFrame {
    static let requestHeaderSize = 4 + 1 + 8 + 2 + 4
    static let responseHeaderSize = 4 + 1 + 8 + 2 + 8
    /// Frames larger than this are refused as malformed.
    static let maxFrameSize = 1 << 30

    enum Kind: UInt8 {
        case call = 1
        case output = 0x11
        case error = 0x12
    }

    struct Request {
        var id: UInt64
        var endpoint: UInt16
        var timeoutMilliseconds: UInt32 = 0
        var payload: [UInt8]
        /// More payload, sent after `payload` without joining them (an upload's body).
        var tail: [UInt8] = []
    }

    struct Response {
        var kind: Kind
        var id: UInt64
        var status: UInt16
        var cpuNanoseconds: UInt64
        var payload: [UInt8]
    }

    static func encode(_ r: Request) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(requestHeaderSize + r.payload.count + r.tail.count)
        put(UInt32(requestHeaderSize - 4 + r.payload.count + r.tail.count), &out)
        out.append(Kind.call.rawValue)
        put(r.id, &out)
        put(r.endpoint, &out)
        put(r.timeoutMilliseconds, &out)
        out.append(contentsOf: r.payload)
        out.append(contentsOf: r.tail)
        return out
    }

    static func encode(_ r: Response) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(responseHeaderSize + r.payload.count)
        put(UInt32(responseHeaderSize - 4 + r.payload.count), &out)
        out.append(r.kind.rawValue)
        put(r.id, &out)
        put(r.status, &out)
        put(r.cpuNanoseconds, &out)
        out.append(contentsOf: r.payload)
        return out
    }

    /// Sends one request. A large payload (an upload) is written after its header
    /// rather than copied into one frame buffer first.
    static func write(_ r: Request, to fd: Int32) -> Bool {
        guard r.payload.count + r.tail.count > 64 * 1024 else { return UnixSocket.writeAll(fd, encode(r)) }
        var header = encode(Request(id: r.id, endpoint: r.endpoint, timeoutMilliseconds: r.timeoutMilliseconds, payload: []))
        header.replaceSubrange(0..<4, with: withUnsafeBytes(of: UInt32(requestHeaderSize - 4 + r.payload.count + r.tail.count).littleEndian, Array.init))
        return UnixSocket.writeAll(fd, header) && UnixSocket.writeAll(fd, r.payload) && UnixSocket.writeAll(fd, r.tail)
    }

    /// Reads one request; nil on EOF or a malformed frame.
    static func readRequest(_ fd: Int32) -> Request? {
        guard let (header, payload) = readFrame(fd, headerSize: requestHeaderSize),
            header[4] == Kind.call.rawValue
        else { return nil }
        return Request(id: get(header, 5), endpoint: get(header, 13), timeoutMilliseconds: get(header, 15), payload: payload)
    }

    /// Reads one response; nil on EOF or a malformed frame.
    static func readResponse(_ fd: Int32) -> Response? {
        guard let (header, payload) = readFrame(fd, headerSize: responseHeaderSize),
            let kind = Kind(rawValue: header[4]), kind != .call
        else { return nil }
        return Response(kind: kind, id: get(header, 5), status: get(header, 13), cpuNanoseconds: get(header, 15), payload: payload)
    }

    private static func readFrame(_ fd: Int32, headerSize: Int) -> ([UInt8], [UInt8])? {
        var header = [UInt8](repeating: 0, count: headerSize)
        guard header.withUnsafeMutableBytes({ UnixSocket.readExactly(fd, $0.baseAddress!, headerSize) }) else { return nil }
        let length = Int(get(header, 0) as UInt32)
        guard length >= headerSize - 4, length <= maxFrameSize else { return nil }
        let payloadSize = length - (headerSize - 4)
        var payload = [UInt8](repeating: 0, count: payloadSize)
        if payloadSize > 0 {
            guard payload.withUnsafeMutableBytes({ UnixSocket.readExactly(fd, $0.baseAddress!, payloadSize) }) else { return nil }
        }
        return (header, payload)
    }

    static func put<T: FixedWidthInteger>(_ value: T, _ out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func get<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }
}
