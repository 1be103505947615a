import Foundation

/// A post-LayerNorm BERT encoder (no pooler) running on views into the mapped
/// safetensors file.
///
/// Why sentences are packed rather than padded: every layer except attention works
/// row by row, so the tokens of a whole batch are stacked into one `[tokens x hidden]`
/// matrix and each dense layer is a single `cblas_sgemm`; attention is then computed
/// per sentence over its own real tokens. No padding means no mask and no wasted
/// work, and a batch gives exactly the numbers its sentences give one by one.
final class BertEncoder: @unchecked Sendable {
    struct Config: Equatable {
        var hidden: Int
        var layers: Int
        var heads: Int
        var intermediate: Int
        var maxPositions: Int
        var vocabulary: Int
        var layerNormEpsilon: Double

        /// all-MiniLM-L6-v2 (`config.json` of the package).
        static let miniLM = Config(
            hidden: 384, layers: 6, heads: 12, intermediate: 1536,
            maxPositions: 512, vocabulary: 30522, layerNormEpsilon: 1e-12
        )

        var headSize: Int { hidden / heads }
    }

    struct Layer {
        var query, queryBias, key, keyBias, value, valueBias: UnsafeBufferPointer<Float>
        var attentionOutput, attentionOutputBias, attentionNorm, attentionNormBias: UnsafeBufferPointer<Float>
        var intermediate, intermediateBias, output, outputBias, outputNorm, outputNormBias: UnsafeBufferPointer<Float>
    }

    let config: Config
    // Immutable views into `weights`, which this object keeps alive: @unchecked Sendable.
    private let weights: SafeTensors
    private let wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings: UnsafeBufferPointer<Float>
    private let embeddingNorm, embeddingNormBias: UnsafeBufferPointer<Float>
    private let layers: [Layer]

    /// Binds every tensor, checking names and shapes up front so a wrong file
    /// fails at load time rather than mid-request.
    init(weights: SafeTensors, config: Config = .miniLM) throws {
        self.weights = weights
        self.config = config
        let h = config.hidden
        wordEmbeddings = try weights.floats("embeddings.word_embeddings.weight", shape: [config.vocabulary, h])
        positionEmbeddings = try weights.floats("embeddings.position_embeddings.weight", shape: [config.maxPositions, h])
        tokenTypeEmbeddings = try weights.floats("embeddings.token_type_embeddings.weight")
        embeddingNorm = try weights.floats("embeddings.LayerNorm.weight", shape: [h])
        embeddingNormBias = try weights.floats("embeddings.LayerNorm.bias", shape: [h])
        layers = try (0..<config.layers).map { try Self.layer($0, weights, config) }
    }

    private static func layer(_ index: Int, _ weights: SafeTensors, _ config: Config) throws -> Layer {
        let h = config.hidden, f = config.intermediate
        func w(_ name: String, _ shape: [Int]) throws -> UnsafeBufferPointer<Float> {
            try weights.floats("encoder.layer.\(index).\(name)", shape: shape)
        }
        return Layer(
            query: try w("attention.self.query.weight", [h, h]), queryBias: try w("attention.self.query.bias", [h]),
            key: try w("attention.self.key.weight", [h, h]), keyBias: try w("attention.self.key.bias", [h]),
            value: try w("attention.self.value.weight", [h, h]), valueBias: try w("attention.self.value.bias", [h]),
            attentionOutput: try w("attention.output.dense.weight", [h, h]),
            attentionOutputBias: try w("attention.output.dense.bias", [h]),
            attentionNorm: try w("attention.output.LayerNorm.weight", [h]),
            attentionNormBias: try w("attention.output.LayerNorm.bias", [h]),
            intermediate: try w("intermediate.dense.weight", [f, h]), intermediateBias: try w("intermediate.dense.bias", [f]),
            output: try w("output.dense.weight", [h, f]), outputBias: try w("output.dense.bias", [h]),
            outputNorm: try w("output.LayerNorm.weight", [h]), outputNormBias: try w("output.LayerNorm.bias", [h])
        )
    }

    /// The last hidden state of every token of every sentence, stacked:
    /// `[sum of lengths x hidden]`, sentences in order. Each id list must be
    /// non-empty and at most `maxPositions` long. With a `team`, every step of every
    /// layer is split over its threads (see ``WorkerTeam``); without, it runs on the
    /// calling thread. Either way each output element is computed by the same
    /// arithmetic, so the result does not depend on the team.
    func encode(_ sentences: [[Int]], team: WorkerTeam? = nil, profile: EncoderProfile? = nil) -> [Float] {
        let tokens = sentences.reduce(0) { $0 + $1.count }
        let longest = sentences.map(\.count).max() ?? 0
        let parts = team?.size ?? 1
        var hidden = embed(sentences, tokens: tokens)
        let work = Workspace(tokens: tokens, longest: longest, parts: parts, config: config)
        let pass = Pass(
            tokens: tokens, lengths: sentences.map(\.count), work: work,
            team: parts > 1 ? team : nil, profile: profile
        )
        hidden.withUnsafeMutableBufferPointer { hidden in
            for layer in layers {
                run(layer, on: hidden.baseAddress!, pass)
            }
        }
        return hidden
    }

    /// Word + position + token-type-0 embeddings, then LayerNorm.
    private func embed(_ sentences: [[Int]], tokens: Int) -> [Float] {
        let h = config.hidden
        var hidden = [Float](repeating: 0, count: tokens * h)
        hidden.withUnsafeMutableBufferPointer { out in
            var row = 0
            for ids in sentences {
                for (position, id) in ids.enumerated() {
                    let v = out.baseAddress! + row * h
                    let word = wordEmbeddings.baseAddress! + id * h
                    let pos = positionEmbeddings.baseAddress! + position * h
                    for i in 0..<h { v[i] = word[i] + pos[i] + tokenTypeEmbeddings[i] }
                    row += 1
                }
            }
            Kernels.addLayerNorm(
                out.baseAddress!, residual: nil, rows: tokens,
                gamma: embeddingNorm, beta: embeddingNormBias, epsilon: config.layerNormEpsilon
            )
        }
        return hidden
    }
}
