import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What only SCGI has: its own header parser facing raw bytes, and its own body limit.
@Suite(.sharedStack(arguments: ["--max-body-size", "100"], transports: [.scgi]))
struct SCGITransportTests {
    var stack: Stack { get throws { try Stack.shared(.scgi) } }

    /// Sends `bytes` straight to octoai's socket and returns everything it answers until it closes.
    func exchange(_ bytes: [UInt8]) throws -> [UInt8] {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let path = Array((try stack.directory + "/octoai.sock").utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: path + [0]) }
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard rc == 0 else { throw HTTPClient.Failure(description: "connect failed: errno \(errno)") }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return reply }
            guard n > 0 else { throw HTTPClient.Failure(description: "recv failed (errno \(errno)): octoai did not close") }
            reply += buffer[0..<n]
        }
    }

    @Test func wellFormedRequestGetsACGIAnswer() throws {
        let pairs = "CONTENT_LENGTH\u{0}0\u{0}SCGI\u{0}1\u{0}REQUEST_METHOD\u{0}GET\u{0}REQUEST_URI\u{0}/healthcheck?x=1\u{0}"
        let reply = String(decoding: try exchange(Array("\(pairs.utf8.count):\(pairs),".utf8)), as: UTF8.self)
        #expect(reply.hasPrefix("Status: 200 OK\r\n"))
        #expect(reply.hasSuffix(#"{"status":"RUNNING","async_enable":true}"#))
    }

    @Test func malformedHeaderIsLoggedAndClosedAndServingGoesOn() throws {
        #expect(try exchange(Array("5:hello,".utf8)).isEmpty)
        #expect(try exchange(Array("999999999:".utf8)).isEmpty)
        let stack = try stack
        try stack.waitFor("the malformed headers to be logged") {
            stack.log.contains("malformed SCGI header: malformedPairs") && stack.log.contains("malformed SCGI header: tooLarge")
        }
        #expect(try stack.client.post("/infer", json: #"{"prompt":"ok"}"#).status == 200)
    }

    @Test func bodyOverOurLimitIs413JSON() throws {
        let r = try stack.client.post("/infer", json: #"{"prompt":"\#(String(repeating: "x", count: 200))"}"#)
        #expect(r.status == 413)
        #expect(r.text == #"{"detail":"Request body too large"}"#)
        #expect(try stack.client.post("/infer", json: #"{"prompt":"small"}"#).status == 200)
    }
}
