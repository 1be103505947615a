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
/// cancel   = u32 length=9 | u8 kind=2 (cancel) | u64 request id
/// response = u32 length | u8 kind (0x11 = output, 0x12 = error, 0x13 = answer)
///            | u64 request id | u16 HTTP status | u64 model CPU ns | payload
/// answer payload = u32 headers length | headers as JSON [[name, value], ...] | JSON body
/// ```
/// The timeout lets the owner skip a call whose client has already been told
/// 504 while it waited in the queue, and notice a call stuck past it.
///
/// A cancel says the client of an earlier call on the same connection went away
/// (nginx closed its connection): if the call is still waiting for the model the
/// owner drops it, unrun, and sends no answer; if it has started it runs to the
/// end. The responder closes the connection right after a cancel, since it no
/// longer knows whether an answer will come; the owner likewise drops the
/// waiting calls of any connection that closes.
/// `length` counts the bytes after itself. A request's payload is the validated,
/// normalised JSON input; a response's is the encoded `Output` (kind 0x11), the
/// client-facing detail message (kind 0x12), or a whole answer to send as it is,
/// with its headers (kind 0x13: an ``HTTPError`` with headers; a Python service's
/// 422 or `HTTPException`). Anything malformed closes the connection:
/// the peer then answers its request with 503, never hangs.
///
/// A streaming endpoint's call is answered by any number of `item` frames (kind
/// 0x14, payload: one item as JSON), then one `end` frame (0x15, the CPU time of
/// the whole stream) or an error (0x12/0x13) if the method failed. When its
/// client goes, the responder closes the connection: the owner's next item
/// write fails, and the method's `yield` throws so the model stops.
enum IPCFrame {
    static let requestHeaderSize = 4 + 1 + 8 + 2 + 4
    static let cancelHeaderSize = 4 + 1 + 8
    static let responseHeaderSize = 4 + 1 + 8 + 2 + 8
    /// Frames larger than this are refused as malformed.
    static let maxFrameSize = 1 << 30

    enum Kind: UInt8 {
        case call = 1
        case cancel = 2
        case output = 0x11
        case error = 0x12
        case answer = 0x13
        /// One item of a stream (payload: the item as JSON); more follow.
        case item = 0x14
        /// A stream ended after all its items (payload empty; the CPU time covers the whole stream).
        case end = 0x15
    }

    struct Request {
        var id: UInt64
        var endpoint: UInt16
        var timeoutMilliseconds: UInt32 = 0
        var payload: [UInt8]
        /// More payload, sent after `payload` without joining them (an upload's body).
        var tail: [UInt8] = []
        /// A form's files, read apart from its head (then `payload`) by the model
        /// owner (``FormPayloadReader``); never sent.
        var files: FormPayload.Files? = nil
    }

    /// What a responder sends the owner.
    enum Message {
        case call(Request)
        case cancel(id: UInt64)
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

    /// Reads one call or cancel; nil on EOF or a malformed frame. A call to an
    /// endpoint that `isForm` has its files read apart (``FormPayloadReader``).
    static func readMessage(_ reader: IPCFrameReader, isForm: (UInt16) -> Bool = { _ in false }) -> Message? {
        let sizes: (UInt8) -> Int? = { kind in
            kind == Kind.call.rawValue ? requestHeaderSize : kind == Kind.cancel.rawValue ? cancelHeaderSize : nil
        }
        guard let (header, length) = reader.readHeader(headerSize: sizes) else { return nil }
        if header[4] == Kind.cancel.rawValue {
            return length == 0 ? .cancel(id: get(header, 5)) : nil
        }
        let endpoint: UInt16 = get(header, 13)
        var request = Request(id: get(header, 5), endpoint: endpoint, timeoutMilliseconds: get(header, 15), payload: [])
        if isForm(endpoint) {
            guard let (payload, files) = FormPayloadReader.read(reader, length: length) else { return nil }
            (request.payload, request.files) = (payload, files)
        } else {
            guard let payload = reader.read(count: length) else { return nil }
            request.payload = payload
        }
        return .call(request)
    }

    /// Reads one response; nil on EOF or a malformed frame.
    static func readResponse(_ reader: IPCFrameReader) -> Response? {
        let size: (UInt8) -> Int? = { kind in Kind(rawValue: kind).map { $0.rawValue >= Kind.output.rawValue } == true ? responseHeaderSize : nil }
        guard let (header, payload) = reader.readFrame(headerSize: size), let kind = Kind(rawValue: header[4]) else { return nil }
        return Response(kind: kind, id: get(header, 5), status: get(header, 13), cpuNanoseconds: get(header, 15), payload: payload)
    }

    /// The payload of an answer frame (kind 0x13) carrying `response`'s headers and body.
    static func answerPayload(_ response: HTTPResponse) -> [UInt8] {
        let headers = JSONValue.array(response.headers.map { .array([.string($0.0), .string($0.1)]) }).bytes
        var out: [UInt8] = []
        out.reserveCapacity(4 + headers.count + response.body.count)
        put(UInt32(headers.count), &out)
        out.append(contentsOf: headers)
        out.append(contentsOf: response.body)
        return out
    }

    /// The answer an answer frame carries; nil when its payload is malformed.
    static func answer(status: UInt16, payload: [UInt8]) -> HTTPResponse? {
        guard payload.count >= 4 else { return nil }
        let length = Int(get(payload, 0) as UInt32)
        guard 4 + length <= payload.count, case let .array(pairs)? = try? JSONParser.parse(Array(payload[4..<4 + length])) else { return nil }
        var headers: [(String, String)] = []
        for pair in pairs {
            guard case let .array(items) = pair, items.count == 2, case let .string(name) = items[0], case let .string(value) = items[1] else { return nil }
            headers.append((name, value))
        }
        return HTTPResponse(status: Int(status), headers: headers, body: Array(payload[(4 + length)...]))
    }

    /// The cancel frame for call `id`.
    static func encodeCancel(id: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        put(UInt32(cancelHeaderSize - 4), &out)
        out.append(Kind.cancel.rawValue)
        put(id, &out)
        return out
    }

    static func put<T: FixedWidthInteger>(_ value: T, _ out: inout [UInt8]) {
        LittleEndian.append(value, to: &out)
    }

    static func get<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int) -> T {
        LittleEndian.read(bytes, at: offset)
    }
}
