import CMiniLMKernels
import Foundation

extension BertEncoder {
    /// Scratch matrices for one `encode` call (per call, so calls may run concurrently).
    final class Workspace {
        let query, key, value, context, projected, intermediate, scores: UnsafeMutablePointer<Float>
        /// Floats of `scores` each part of a team owns: `longest x longest` for
        /// BLAS's path, what `minilm_attention_head` needs for its own.
        let scoresPerPart: Int

        init(tokens: Int, longest: Int, parts: Int, config: Config) {
            let size = tokens * config.hidden
            query = .allocate(capacity: size)
            key = .allocate(capacity: size)
            value = .allocate(capacity: size)
            context = .allocate(capacity: size)
            projected = .allocate(capacity: size)
            intermediate = .allocate(capacity: tokens * config.intermediate)
            scoresPerPart = max(longest * longest, Int(minilm_attention_scratch(Int32(longest), Int32(config.headSize))))
            scores = .allocate(capacity: parts * scoresPerPart)
        }

        deinit {
            for buffer in [query, key, value, context, projected, intermediate, scores] { buffer.deallocate() }
        }
    }

    /// What every layer of one `encode` call shares.
    struct Pass {
        let tokens: Int
        let lengths: [Int]
        let work: Workspace
        let team: WorkerTeam?
        let profile: EncoderProfile?

        /// Runs `body` once per part of the team (once, as part 0 of 1, without one).
        func parallel(_ body: @escaping (Split) -> Void) {
            guard let team else { return body(Split(part: 0, parts: 1)) }
            team.run { body(Split(part: $0, parts: team.size)) }
        }

        /// `body()`, its CPU time added to `stage` of the profile when part 0 runs it.
        @inline(__always)
        func timed(_ stage: EncoderProfile.Stage, _ split: Split, flops: Double = 0, _ body: () -> Void) {
            guard let profile, split.part == 0 else { return body() }
            let start = EncoderProfile.threadSeconds()
            body()
            profile.add(stage, seconds: EncoderProfile.threadSeconds() - start, flops: flops / Double(split.parts))
        }
    }

    /// One thread's share of a region: a contiguous slice of rows or columns.
    struct Split {
        let part: Int
        let parts: Int

        /// This part's slice of `0..<count`, cut at multiples of `align` (OpenBLAS's
        /// register-block width, so no part gets a ragged edge the others do not).
        func range(_ count: Int, align: Int = 1) -> Range<Int> {
            let blocks = (count + align - 1) / align
            let lower = min(count, blocks * part / parts * align)
            let upper = min(count, blocks * (part + 1) / parts * align)
            return lower..<upper
        }
    }

    /// One transformer layer, in place on `x` (`[tokens x hidden]`): seven regions,
    /// GEMMs split by output column (every part reads all rows, so the M of each GEMM
    /// stays that of the whole batch), attention by head, LayerNorm by row.
    func run(_ layer: Layer, on x: UnsafeMutablePointer<Float>, _ pass: Pass) {
        let h = config.hidden, f = config.intermediate, eps = config.layerNormEpsilon
        let work = pass.work, tokens = pass.tokens
        let gemm = 2 * Double(tokens * h)
        pass.parallel { s in
            let columns = s.range(h, align: 16)
            pass.timed(.qkv, s, flops: 3 * gemm * Double(h)) {
                Kernels.linear(x, rows: tokens, inputs: h, weight: layer.query, bias: layer.queryBias, into: work.query, columns: columns)
                Kernels.linear(x, rows: tokens, inputs: h, weight: layer.key, bias: layer.keyBias, into: work.key, columns: columns)
                Kernels.linear(x, rows: tokens, inputs: h, weight: layer.value, bias: layer.valueBias, into: work.value, columns: columns)
            }
        }
        // Timed as one step: a CPU-time clock read is a system call here (no vDSO
        // path), too dear per sentence and head (15x15x32 products for a short one).
        pass.parallel { s in pass.timed(.attention, s, flops: self.attentionFlops(pass.lengths)) { self.attention(pass, s) } }
        pass.parallel { s in
            pass.timed(.attentionOutput, s, flops: gemm * Double(h)) {
                Kernels.linear(
                    work.context, rows: tokens, inputs: h, weight: layer.attentionOutput,
                    bias: layer.attentionOutputBias, into: work.projected, columns: s.range(h, align: 16)
                )
            }
        }
        pass.parallel { s in
            pass.timed(.norm, s) {
                Kernels.addLayerNorm(x, residual: work.projected, rows: s.range(tokens), gamma: layer.attentionNorm, beta: layer.attentionNormBias, epsilon: eps)
            }
        }
        pass.parallel { s in
            let columns = s.range(f, align: 16)
            pass.timed(.intermediate, s, flops: gemm * Double(f)) {
                Kernels.linear(x, rows: tokens, inputs: h, weight: layer.intermediate, bias: layer.intermediateBias, into: work.intermediate, columns: columns)
            }
            pass.timed(.gelu, s) { Kernels.gelu(work.intermediate, rows: tokens, width: f, columns: columns) }
        }
        pass.parallel { s in
            pass.timed(.output, s, flops: gemm * Double(f)) {
                Kernels.linear(
                    work.intermediate, rows: tokens, inputs: f, weight: layer.output,
                    bias: layer.outputBias, into: work.projected, columns: s.range(h, align: 16)
                )
            }
        }
        pass.parallel { s in
            pass.timed(.norm, s) {
                Kernels.addLayerNorm(x, residual: work.projected, rows: s.range(tokens), gamma: layer.outputNorm, beta: layer.outputNormBias, epsilon: eps)
            }
        }
    }

    /// Multiply-adds x 2 of both attention products over all heads of these sentences.
    func attentionFlops(_ lengths: [Int]) -> Double {
        lengths.reduce(0) { $0 + 4 * Double($1 * $1 * config.hidden) }
    }

    /// Scaled dot-product attention per sentence and head, over that sentence's tokens
    /// only: `context = softmax(Q K^T / sqrt(d)) V`. Part `p` of a team takes the heads
    /// `p, p + parts, ...` of every sentence, so parts get equal work whatever the lengths.
    /// With AVX2 and FMA, each head is `minilm_attention_head` (C: both products and the
    /// softmax in one pass, no BLAS call per head; OpenBLAS reached 11 GFLOP/s on a short
    /// sentence's 15x15x32 products and 33 on a long one's, against 80-90 on the
    /// projections); elsewhere two BLAS products and ``Kernels/softmaxRows(_:rows:width:)``.
    func attention(_ pass: Pass, _ split: Split) {
        let h = config.hidden, d = config.headSize
        let scale = 1 / Float(d).squareRoot()
        let work = pass.work
        let s = work.scores + split.part * work.scoresPerPart
        let blas = BLAS.loaded
        let fused = Kernels.fusedAttention
        var start = 0
        for n in pass.lengths {
            for head in stride(from: split.part, to: config.heads, by: split.parts) {
                let offset = start * h + head * d
                if fused,
                    minilm_attention_head(
                        work.query + offset, work.key + offset, work.value + offset, work.context + offset,
                        Int32(n), Int32(d), Int32(h), scale, s) != 0
                {
                    continue
                }
                blas.sgemm(
                    BLAS.rowMajor, BLAS.noTrans, BLAS.trans, Int32(n), Int32(n), Int32(d),
                    scale, work.query + offset, Int32(h), work.key + offset, Int32(h), 0, s, Int32(n)
                )
                Kernels.softmaxRows(s, rows: n, width: n)
                blas.sgemm(
                    BLAS.rowMajor, BLAS.noTrans, BLAS.noTrans, Int32(n), Int32(d), Int32(n),
                    1, s, Int32(n), work.value + offset, Int32(h), 0, work.context + offset, Int32(h)
                )
            }
            start += n
        }
    }
}

/// CPU seconds and floating-point operations per step of the encoder, summed over
/// the calls made with it (`MiniLMModel.profile`; bench/PROFILE.md is made from it).
/// Only the calling thread records, so a team's figures are part 0's share.
public final class EncoderProfile: @unchecked Sendable {
    public enum Stage: String, CaseIterable, Sendable {
        case qkv = "Q, K, V projections"
        case attention = "attention (Q K^T, softmax, P V per sentence and head)"
        case attentionOutput = "attention output projection"
        case intermediate = "FFN up (384 -> 1536)"
        case gelu = "GELU"
        case output = "FFN down (1536 -> 384)"
        case norm = "residual + LayerNorm"
    }

    public private(set) var seconds: [Stage: Double] = [:]
    public private(set) var flops: [Stage: Double] = [:]

    public init() {}

    func add(_ stage: Stage, seconds: Double, flops: Double) {
        self.seconds[stage, default: 0] += seconds
        self.flops[stage, default: 0] += flops
    }

    static func threadSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
