import Testing

@testable import OctoFCGI

@Suite struct HTTPResponseTests {
    @Test func cgiHeadListsStatusTypeLengthAndEveryHeader() {
        let response = HTTPResponse(status: 503, headers: [("Retry-After", "1")], body: Array(#"{"detail":"x"}"#.utf8))
        let head = String(decoding: response.cgiHead(extraHeaders: [("X-A", "b")]), as: UTF8.self)
        #expect(head == "Status: 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 14\r\nRetry-After: 1\r\nX-A: b\r\n\r\n")
        let empty = String(decoding: HTTPResponse(status: 307, body: []).cgiHead(extraHeaders: []), as: UTF8.self)
        #expect(empty == "Status: 307 Temporary Redirect\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func analyticsMillisecondsAreWrittenAsTheDoubleWouldBe() {
        var generator = SystemRandomNumberGenerator()
        let edges: [UInt64] = [0, 999, 1000, 1001, 10_000, 100_000, 120_000, 1_000_000, 1_234_567, 999_999_999, 3_600_000_000_000]
        let random = (0..<2000).map { _ in UInt64.random(in: 0...90_000_000_000, using: &generator) }
        for ns in edges + random {
            var bytes: [UInt8] = []
            Router.appendMilliseconds(ns, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == JSONValue.format(Double(ns / 1000) / 1000), "ns = \(ns)")
        }
    }
}
