import Foundation
import Testing

/// Header counts, form parts and sizes, JSON values: each limit is answered with
/// a clean JSON 4xx, by octoai or by nginx, over both transports, and serving goes on.
@Suite(.sharedStack(arguments: ["--max-form-parts", "4", "--max-part-size", "1000", "--max-json-values", "100"], transports: Wire.everyKind))
struct RequestLimitsTests {
    func client(_ wire: Wire) throws -> HTTPClient { try Stack.shared(wire).client }

    func headers(_ count: Int) -> [String: String] {
        Dictionary(uniqueKeysWithValues: (0..<count).map { ("X-Extra-\($0)", "v") })
    }

    @Test(arguments: Wire.everyKind) func moreHeadersThanTheDefaultLimitGet431(_ wire: Wire) throws {
        let client = try client(wire)
        let body = Array(#"{"prompt":"hi"}"#.utf8)
        let many = try client.send("POST", "/infer", body: body, headers: headers(150).merging(["Content-Type": "application/json"]) { $1 })
        #expect(many.status == 431)
        #expect(many.text == #"{"detail":"Too many request headers (limit 100)"}"#)
        #expect(many.header("content-type") == "application/json")
        let some = try client.send("POST", "/infer", body: body, headers: headers(50).merging(["Content-Type": "application/json"]) { $1 })
        #expect(some.status == 200)
    }

    @Test(arguments: Wire.everyKind) func nginxRefusesOversizedHeadersAndURIsWithJSON(_ wire: Wire) throws {
        let client = try client(wire)
        // large_client_header_buffers 4 8k: one line over 8 KiB.
        let long = try client.send("GET", "/healthcheck", headers: ["X-Long": String(repeating: "a", count: 9000)])
        #expect(long.status == 431)
        #expect(long.text == #"{"detail":"Request header fields too large"}"#)
        #expect(long.header("content-type") == "application/json")
        let uri = try client.get("/" + String(repeating: "u", count: 9000))
        #expect(uri.status == 414)
        #expect(uri.text == #"{"detail":"URI too long"}"#)
        let trace = try client.send("TRACE", "/")
        #expect(trace.status == 405)
        #expect(trace.text == #"{"detail":"Method Not Allowed"}"#)
        #expect(try client.get("/healthcheck").status == 200)
    }

    @Test(arguments: Wire.everyKind) func tooManyFormPartsGet413(_ wire: Wire) throws {
        let client = try client(wire)
        let file = Multipart.Part.file(name: "file", filename: "a.txt", contentType: "text/plain", data: Array("abc".utf8))
        let extra = (0..<4).map { Multipart.Part.text(name: "extra\($0)", value: "x") }
        let r = try client.postForm("/upload", [file, .text(name: "label", value: "l")] + extra)
        #expect(r.status == 413)
        #expect(r.text == #"{"detail":"Too many form parts (limit 4)"}"#)
        let ok = try client.postForm("/upload", [file, .text(name: "label", value: "l")] + extra.prefix(2))
        #expect(ok.status == 200, "\(ok.text)")
    }

    @Test(arguments: Wire.everyKind) func aFormPartOverTheSizeLimitGets413(_ wire: Wire) throws {
        let client = try client(wire)
        let big = Multipart.Part.file(name: "file", filename: "big.bin", contentType: "application/octet-stream", data: [UInt8](repeating: 7, count: 1001))
        let r = try client.postForm("/upload", [big, .text(name: "label", value: "l")])
        #expect(r.status == 413)
        #expect(r.text == #"{"detail":"Form part too large (limit 1000 bytes)"}"#)
        let longText = try client.postForm("/upload", [
            .file(name: "file", filename: "a", contentType: "text/plain", data: [1]), .text(name: "label", value: String(repeating: "t", count: 1001)),
        ])
        #expect(longText.status == 413)
        let fits = Multipart.Part.file(name: "file", filename: "fits.bin", contentType: "application/octet-stream", data: [UInt8](repeating: 7, count: 1000))
        let ok = try client.postForm("/upload", [fits, .text(name: "label", value: "l")])
        #expect(ok.status == 200, "\(ok.text)")
        #expect((ok.object["output"] as? [String: Any])?["size"] as? Int == 1000)
    }

    @Test(arguments: Wire.everyKind) func aJSONBodyWithTooManyValuesGets413(_ wire: Wire) throws {
        let client = try client(wire)
        // Ignored fields count too: they are parsed before they are dropped.
        let many = #"{"prompt":"hi","extra":[\#((0..<200).map(String.init).joined(separator: ","))]}"#
        let r = try client.post("/infer", json: many)
        #expect(r.status == 413)
        #expect(r.text == #"{"detail":"Too many JSON values (limit 100)"}"#)
        let few = #"{"prompt":"hi","extra":[\#((0..<50).map(String.init).joined(separator: ","))]}"#
        #expect(try client.post("/infer", json: few).status == 200)
    }
}
