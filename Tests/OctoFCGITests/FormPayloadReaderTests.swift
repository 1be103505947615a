import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import OctoFCGI

/// The model owner reads a form call's files straight into their own arrays
/// (``FormPayloadReader``) and decodes the same input as from the whole payload.
@Suite struct FormPayloadReaderTests {
    typealias Upload = FormValidatorTests.Upload

    /// Sends `payload` as a call on one end of a socket pair (from another thread:
    /// an upload is more than the socket holds) and reads it back on the other.
    func roundTrip(_ payload: [UInt8], tail: [UInt8] = [], isForm: Bool = true) -> IPCFrame.Request? {
        var fds: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        defer { close(fds[0]); close(fds[1]) }
        let request = IPCFrame.Request(id: 9, endpoint: 2, payload: payload, tail: tail)
        let (writer, reader) = (fds[0], fds[1])
        // A second frame right behind the first: what the reader buffered past the
        // first must still be there for the next.
        let sent = Thread { _ = IPCFrame.write(request, to: writer) && UnixSocket.writeAll(writer, IPCFrame.encodeCancel(id: 10)) }
        sent.start()
        let frames = IPCFrameReader(fd: reader)
        guard case let .call(read)? = IPCFrame.readMessage(frames, isForm: { _ in isForm }) else { return nil }
        guard case .cancel(id: 10)? = IPCFrame.readMessage(frames, isForm: { _ in isForm }) else { return nil }
        return read
    }

    func validatedUpload(file: [UInt8], note: String = "hi") throws -> (head: [UInt8], body: [UInt8]) {
        let body = FormValidatorTests.body([("note", nil, Array(note.utf8)), ("file", "t.bin", file), ("count", nil, Array("3".utf8))])
        let validated = try FormValidator.validate(
            body: body, contentType: "multipart/form-data; boundary=\(FormValidatorTests.boundary)", schema: SchemaProbe.schema(of: Upload.self)
        ).get()
        let (head, tail) = FormPayload.parts(of: validated)
        return (head, tail)
    }

    @Test func aFileIsReadIntoItsOwnArrayAndTheBodyIsNotKept() throws {
        // 3 MiB and a bit: more than the socket buffers, past a huge page.
        let file = (0..<(3 << 20) + 12345).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let (head, body) = try validatedUpload(file: file)
        let request = try #require(roundTrip(head, tail: body))
        #expect(request.payload == head, "the payload is the head alone")
        let files = try #require(request.files)
        let decoded = try FormPayload.decode(Upload.self, from: request.payload, files: files)
        #expect(decoded.file.data == file)
        #expect(decoded.file.filename == "t.bin")
        #expect(decoded.note == "hi")
        #expect(decoded.count == 3)
        let whole = try FormPayload.decode(Upload.self, from: head + body)
        #expect(whole.file == decoded.file && whole.note == decoded.note && whole.count == decoded.count, "the same input as from the whole payload")
    }

    @Test func anEmptyFileAndContentThatLooksLikeDelimiters() throws {
        for file in [[], Array("a\r\n--XyZ\r\n\r\nb\r\n--".utf8)] {
            let (head, body) = try validatedUpload(file: file)
            let request = try #require(roundTrip(head, tail: body))
            let decoded = try FormPayload.decode(Upload.self, from: request.payload, files: request.files)
            #expect(decoded.file.data == file)
        }
    }

    /// What a responder never sends still gets an answer, not a hang or a wrong
    /// file: the payload is read whole and decoding fails (or succeeds) as before.
    @Test func aHeadItCannotUseIsReadWhole() throws {
        let (head, body) = try validatedUpload(file: Array("abc".utf8))
        // Descriptors that overlap, or point past the body: read whole, as before.
        for bogus in [#"{"a":{"offset":0,"length":9,"filename":"x"},"b":{"offset":4,"length":2,"filename":"y"}}"#, #"{"a":{"offset":1,"length":99999,"filename":"x"}}"#, "not json"] {
            let json = Array(bogus.utf8)
            let payload = FormPayload.head(json: json)
            let request = try #require(roundTrip(payload, tail: body))
            #expect(request.files == nil)
            #expect(request.payload == payload + body)
        }
        // A JSON length past the frame: the bytes are read whole too.
        var short = head
        short.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0, 0])
        let request = try #require(roundTrip(short, tail: body))
        #expect(request.files == nil && request.payload == short + body)
        // Not a form endpoint: whole, as every call.
        let plain = try #require(roundTrip(head, tail: body, isForm: false))
        #expect(plain.files == nil && plain.payload == head + body)
    }

    @Test func eofInsideAFileEndsTheConnection() throws {
        let (head, body) = try validatedUpload(file: Array(repeating: 7, count: 100_000))
        var fds: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        defer { close(fds[1]) }
        let frame = IPCFrame.encode(IPCFrame.Request(id: 1, endpoint: 0, payload: head, tail: body))
        let writer = fds[0]
        let sent = Thread {
            _ = UnixSocket.writeAll(writer, Array(frame.prefix(frame.count - 50_000)))
            close(writer)
        }
        sent.start()
        #expect(IPCFrame.readMessage(IPCFrameReader(fd: fds[1]), isForm: { _ in true }) == nil)
    }
}
