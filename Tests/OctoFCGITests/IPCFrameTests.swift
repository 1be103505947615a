import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import OctoFCGI

@Suite struct IPCFrameTests {
    func socketPair() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        return (fds[0], fds[1])
    }

    @Test func requestAndResponseRoundTrip() {
        let (a, b) = socketPair()
        defer { close(a); close(b) }
        let payload = Array(#"{"prompt":"hello"}"#.utf8)
        #expect(UnixSocket.writeAll(a, IPCFrame.encode(IPCFrame.Request(id: 0xABCD_0000_0001, endpoint: 3, payload: payload))))
        let request = IPCFrame.readRequest(IPCFrameReader(fd: b))
        #expect(request?.id == 0xABCD_0000_0001)
        #expect(request?.endpoint == 3)
        #expect(request?.payload == payload)

        let response = IPCFrame.Response(kind: .error, id: 7, status: 418, cpuNanoseconds: 123_456_789_000, payload: Array("teapot".utf8))
        #expect(UnixSocket.writeAll(b, IPCFrame.encode(response)))
        let read = IPCFrame.readResponse(IPCFrameReader(fd: a))
        #expect(read?.kind == .error)
        #expect(read?.status == 418)
        #expect(read?.cpuNanoseconds == 123_456_789_000)
        #expect(read?.payload == Array("teapot".utf8))
    }

    @Test func eofAndMalformedFramesEndTheConnection() {
        let (a, b) = socketPair()
        defer { close(b) }
        // A length shorter than the header is malformed.
        var bogus = IPCFrame.encode(IPCFrame.Request(id: 1, endpoint: 0, payload: []))
        bogus[0] = 2
        #expect(UnixSocket.writeAll(a, bogus))
        #expect(IPCFrame.readRequest(IPCFrameReader(fd: b)) == nil)
        let (c, d) = socketPair()
        defer { close(d) }
        #expect(UnixSocket.writeAll(c, Array(IPCFrame.encode(IPCFrame.Request(id: 1, endpoint: 0, payload: [1, 2, 3])).dropLast())))
        close(c)
        close(a)
        // EOF in the middle of the payload.
        #expect(IPCFrame.readRequest(IPCFrameReader(fd: d)) == nil)
    }

    @Test func aResponseIsNeverReadAsARequest() {
        let (a, b) = socketPair()
        defer { close(a); close(b) }
        #expect(UnixSocket.writeAll(a, IPCFrame.encode(IPCFrame.Response(kind: .output, id: 1, status: 200, cpuNanoseconds: 0, payload: []))))
        #expect(IPCFrame.readRequest(IPCFrameReader(fd: b)) == nil)
    }
}

extension IPCFrameTests {
    @Test func largePayloadsAreWrittenInPiecesAndReadWhole() {
        let (a, b) = socketPair()
        defer { close(a); close(b) }
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let writer = Thread { _ = IPCFrame.write(IPCFrame.Request(id: 9, endpoint: 1, payload: payload), to: a) }
        writer.start()
        let read = IPCFrame.readRequest(IPCFrameReader(fd: b))
        #expect(read?.id == 9)
        #expect(read?.payload == payload)
    }
}

extension IPCFrameTests {
    @Test func cancelsAreReadBetweenCalls() {
        let (a, b) = socketPair()
        defer { close(a); close(b) }
        #expect(UnixSocket.writeAll(a, IPCFrame.encode(IPCFrame.Request(id: 5, endpoint: 0, payload: [1]))))
        #expect(UnixSocket.writeAll(a, IPCFrame.encodeCancel(id: 5)))
        let reader = IPCFrameReader(fd: b)
        guard case let .call(call) = IPCFrame.readMessage(reader) else {
            Issue.record("expected a call")
            return
        }
        #expect(call.id == 5)
        guard case let .cancel(id) = IPCFrame.readMessage(reader) else {
            Issue.record("expected a cancel")
            return
        }
        #expect(id == 5)
    }

    @Test func aCancelWithAPayloadOrReadAsAResponseIsMalformed() {
        let (a, b) = socketPair()
        defer { close(a); close(b) }
        var long = IPCFrame.encodeCancel(id: 1)
        long[0] += 1
        #expect(UnixSocket.writeAll(a, long + [0]))
        #expect(IPCFrame.readMessage(IPCFrameReader(fd: b)) == nil)
        let (c, d) = socketPair()
        defer { close(c); close(d) }
        #expect(UnixSocket.writeAll(c, IPCFrame.encodeCancel(id: 1) + [UInt8](repeating: 0, count: 16)))
        #expect(IPCFrame.readResponse(IPCFrameReader(fd: d)) == nil)
    }
}

extension IPCFrameTests {
    @Test func framesSentTogetherAreReadOneByOneAndSplitFramesWhole() {
        let (a, b) = socketPair()
        defer { close(a); close(b) }
        // Three frames in one write: the first read buffers all of them.
        let frames = (1...3).map { IPCFrame.encode(IPCFrame.Request(id: UInt64($0), endpoint: 0, payload: Array(repeating: UInt8($0), count: $0 * 10))) }
        #expect(UnixSocket.writeAll(a, frames.flatMap { $0 }))
        let reader = IPCFrameReader(fd: b, capacity: 64)
        for id in 1...3 {
            let request = IPCFrame.readRequest(reader)
            #expect(request?.id == UInt64(id))
            #expect(request?.payload == Array(repeating: UInt8(id), count: id * 10))
        }
        // One frame dribbled in byte by byte, behind a buffer that had to be compacted.
        let frame = IPCFrame.encode(IPCFrame.Request(id: 4, endpoint: 2, payload: Array(repeating: 9, count: 100)))
        let writer = Thread {
            for byte in frame {
                _ = UnixSocket.writeAll(a, [byte])
                usleep(100)
            }
        }
        writer.start()
        let request = IPCFrame.readRequest(reader)
        #expect(request?.id == 4)
        #expect(request?.endpoint == 2)
        #expect(request?.payload == Array(repeating: 9, count: 100))
    }
}

extension IPCFrame {
    /// Reads one call; nil on EOF, a malformed frame or a cancel.
    static func readRequest(_ reader: IPCFrameReader) -> Request? {
        guard case let .call(request) = readMessage(reader) else { return nil }
        return request
    }
}
