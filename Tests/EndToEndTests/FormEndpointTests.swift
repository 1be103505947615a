import Foundation
import Testing

/// The form-data endpoint (`EchoService`'s `POST /upload`) and the extra endpoint
/// (`POST /tokenize`), over both transports, through nginx.
@Suite(.sharedStack(transports: Wire.everyKind))
struct FormEndpointTests {
    func client(_ wire: Wire) throws -> HTTPClient { try Stack.shared(wire).client }

    @Test(arguments: Wire.everyKind) func uploadDescribesTheFile(_ wire: Wire) throws {
        let r = try client(wire).postForm("/upload", [
            .file(name: "file", filename: "hello.txt", contentType: "text/plain", data: Array("hello world!".utf8)),
            .text(name: "label", value: "greeting"),
        ])
        #expect(r.status == 200, "\(r.text)")
        let output = try #require(r.object["output"] as? [String: Any])
        #expect(output["size"] as? Int == 12)
        #expect(output["head_hex"] as? String == "68656c6c6f20776f")
        #expect(output["label"] as? String == "greeting")
        #expect(output["filename"] as? String == "hello.txt")
        #expect(r.object["analytics"] is [String: Any])
    }

    @Test(arguments: Wire.everyKind) func emptyFileIsFine(_ wire: Wire) throws {
        let r = try client(wire).postForm("/upload", [.file(name: "file", filename: "empty.bin", contentType: "application/octet-stream", data: []), .text(name: "label", value: "x")])
        #expect(r.status == 200, "\(r.text)")
        let output = try #require(r.object["output"] as? [String: Any])
        #expect(output["size"] as? Int == 0)
        #expect(output["head_hex"] as? String == "")
    }

    /// As FastAPI (the seed) has it: an empty text field is one not sent.
    @Test(arguments: Wire.everyKind) func anEmptyTextFieldIsMissing(_ wire: Wire) throws {
        let r = try client(wire).postForm("/upload", [.file(name: "file", filename: "a.bin", contentType: "application/octet-stream", data: [1]), .text(name: "label", value: "")])
        #expect(r.status == 422)
        #expect(r.text == #"{"detail":[{"type":"missing","loc":["body","label"],"msg":"Field required","input":null}]}"#)
    }

    @Test(arguments: Wire.everyKind) func missingFieldAndMissingFileAre422(_ wire: Wire) throws {
        let noLabel = try client(wire).postForm("/upload", [.file(name: "file", filename: "a", contentType: "text/plain", data: [1])])
        #expect(noLabel.status == 422)
        #expect(noLabel.text == #"{"detail":[{"type":"missing","loc":["body","label"],"msg":"Field required","input":null}]}"#)
        let noFile = try client(wire).postForm("/upload", [.text(name: "label", value: "x")])
        #expect(noFile.status == 422)
        #expect(noFile.text == #"{"detail":[{"type":"missing","loc":["body","file"],"msg":"Field required","input":null}]}"#)
        let textForFile = try client(wire).postForm("/upload", [.text(name: "file", value: "not a file"), .text(name: "label", value: "x")])
        #expect(textForFile.status == 422)
        #expect(textForFile.text.contains(#""type":"value_error","loc":["body","file"]"#))
        let json = try client(wire).post("/upload", json: "{}")
        #expect(json.status == 422)
        #expect(json.text.contains(#""loc":["body","file"]"#) && json.text.contains(#""loc":["body","label"]"#))
    }

    @Test(arguments: Wire.everyKind) func fiveMebibyteUploadInAsyncMode(_ wire: Wire) throws {
        var data = [UInt8](repeating: 0, count: 5 << 20)
        for i in data.indices { data[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        let r = try client(wire).postForm("/upload", [.file(name: "file", filename: "big.bin", contentType: "application/octet-stream", data: data), .text(name: "label", value: "big")])
        #expect(r.status == 200, "\(r.text.prefix(300))")
        let output = try #require(r.object["output"] as? [String: Any])
        #expect(output["size"] as? Int == 5 << 20)
        #expect(output["head_hex"] as? String == data.prefix(8).map { String(format: "%02x", $0) }.joined())
    }

    @Test(arguments: Wire.everyKind) func tokenizeIsAnExtraEndpoint(_ wire: Wire) throws {
        let r = try client(wire).post("/tokenize", json: #"{"text":" a  b\tc "}"#)
        #expect(r.status == 200)
        #expect(r.object["output"] as? [String] == ["a", "b", "c"])
        #expect(try client(wire).post("/tokenize", json: "{}").status == 422)
        let get = try client(wire).get("/tokenize")
        #expect(get.status == 405)
        #expect(get.header("allow") == "POST")
    }

    @Test func openAPIDescribesTheFormAndTheExtraEndpoint() throws {
        let document = try client(.fastcgi).get("/openapi.json").object
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let upload = try #require(paths["/upload"]?["post"] as? [String: Any])
        let content = try #require((upload["requestBody"] as? [String: Any])?["content"] as? [String: Any])
        #expect(content.keys.sorted() == ["multipart/form-data"])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        let body = try #require(schemas["Body_upload_upload_post"])
        let file = (body["properties"] as? [String: [String: Any]])?["file"]
        #expect(file?["type"] as? String == "string")
        #expect(file?["format"] as? String == "binary")
        #expect(schemas["TokenizeInput"] != nil)
        #expect(paths["/tokenize"]?["post"] != nil)
    }
}
