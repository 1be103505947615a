import Foundation
import Testing

/// The default service through nginx: real embeddings equal to the reference
/// (sentence-transformers), similarity, limits, and batching of concurrent clients.
/// The weights come from `.build-cache/minilm`, fetched by `octoai store-assets`
/// when missing (scripts/test.sh prepares it).
@Suite(.serialized) struct MiniLMServiceTests {
    static let volume = CLITests.repository.appendingPathComponent(".build-cache").path
    static let fixture = CLITests.repository.deletingLastPathComponent().appendingPathComponent("shared/fixtures/minilm-reference.json")

    static func stack(_ arguments: [String] = []) throws -> Stack {
        let fetched = try CLI.run(["store-assets"], service: "MiniLMService", environment: ["OCTOAI_VOLUME_PATH": volume], timeout: 600)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        var options = Stack.Options()
        options.service = "MiniLMService"
        options.environment["OCTOAI_VOLUME_PATH"] = volume
        options.arguments += arguments
        return try Stack(options)
    }

    struct Reference {
        var text: String
        var embedding: [Double]
    }

    static func references() throws -> [Reference] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as? [String: Any]
        let sentences = try #require(json?["sentences"] as? [[String: Any]])
        return sentences.compactMap { s in
            guard let text = s["text"] as? String, let embedding = s["embedding"] as? [Double] else { return nil }
            return Reference(text: text, embedding: embedding)
        }
    }

    @Test func embeddingsThroughNginxMatchTheReference() throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        let references = try Self.references()
        #expect(references.count == 29)
        let body = try JSONSerialization.data(withJSONObject: ["texts": references.map(\.text)])
        let r = try stack.client.post("/infer", json: String(decoding: body, as: UTF8.self))
        #expect(r.status == 200, "\(r.text.prefix(300))")
        let embeddings = try #require((r.object["output"] as? [String: Any])?["embeddings"] as? [[Double]])
        #expect(embeddings.count == references.count)
        for (ours, reference) in zip(embeddings, references) {
            #expect(ours.count == 384)
            let dot = zip(ours, reference.embedding).reduce(0) { $0 + $1.0 * $1.1 }
            let worst = zip(ours, reference.embedding).map { abs($0 - $1) }.max() ?? 1
            #expect(dot >= 0.9999, "cosine \(dot) for \(reference.text.prefix(40))")
            #expect(worst <= 1e-4, "max abs diff \(worst) for \(reference.text.prefix(40))")
        }
        let one = try stack.client.post("/infer", json: #"{"text":"A single sentence."}"#)
        #expect(((one.object["output"] as? [String: Any])?["embedding"] as? [Double])?.count == 384)
    }

    @Test func similarityAndLimits() throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        let same = try stack.client.post("/similarity", json: #"{"a":"The cat sits on the mat.","b":"A cat is sitting on a mat."}"#)
        let other = try stack.client.post("/similarity", json: #"{"a":"The cat sits on the mat.","b":"Quarterly revenue grew by four percent."}"#)
        let close = try #require((same.object["output"] as? [String: Any])?["similarity"] as? Double)
        let far = try #require((other.object["output"] as? [String: Any])?["similarity"] as? Double)
        #expect(close > 0.7 && close <= 1.0001)
        #expect(far < close)
        #expect(try stack.client.post("/infer", json: "{}").status == 422)
        #expect(try stack.client.post("/infer", json: #"{"text":"a","texts":["b"]}"#).status == 422)
        let tooMany = try JSONSerialization.data(withJSONObject: ["texts": Array(repeating: "x", count: 65)])
        #expect(try stack.client.post("/infer", json: String(decoding: tooMany, as: UTF8.self)).status == 422)
        #expect(try stack.client.post("/similarity", json: #"{"a":1}"#).status == 422)
    }

    @Test func concurrentClientsAreBatchedAndEachGetsItsOwnEmbedding() throws {
        let stack = try Self.stack(["--workers", "2", "--threads", "8", "--max-batch-delay-ms", "20"])
        defer { stack.stop() }
        let client = stack.client
        let texts = (0..<16).map { "Sentence number \($0) about a different topic \($0 * 7)." }
        let alone = try texts.map { text in
            try (client.post("/infer", json: #"{"text":"\#(text)"}"#).object["output"] as? [String: Any])?["embedding"] as? [Double] ?? []
        }
        let together = try texts.map { text in BackgroundRequest { try client.post("/infer", json: #"{"text":"\#(text)"}"#) } }.map { try $0.response() }
        for (r, expected) in zip(together, alone) {
            #expect(r.status == 200)
            let got = (r.object["output"] as? [String: Any])?["embedding"] as? [Double] ?? []
            #expect(got.count == 384)
            #expect(zip(got, expected).map { abs($0 - $1) }.max() ?? 1 <= 1e-5)
        }
    }
}
