import CMiniLMKernels
import Foundation
import Testing

@testable import MiniLM

/// The fused attention of one sentence and head (`minilm_attention_head`, AVX2/FMA)
/// against `softmax(scale Q K^T) V` in `Double`, for lengths around its blocks of 4
/// rows and 8 or 16 columns and up to a long text's 300 tokens, on a head in the
/// middle of rows of 384 floats, as the encoder lays them out. It must write only
/// the head's 32 columns of `context` and only its scratch. Where the CPU lacks
/// AVX2/FMA it must decline (0), and the encoder then takes BLAS's path.
@Suite struct AttentionKernelTests {
    static let ld = 384, d = 32, column = 96

    func random(_ count: Int, seed: inout UInt64) -> [Float] {
        (0..<count).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: seed >> 11) % 2001 - 1000) / 250
        }
    }

    func reference(_ q: [Float], _ k: [Float], _ v: [Float], n: Int, scale: Float) -> [Double] {
        var out = [Double](repeating: 0, count: n * Self.d)
        for i in 0..<n {
            let scores = (0..<n).map { j in
                Double(scale) * (0..<Self.d).reduce(0.0) { $0 + Double(q[i * Self.ld + Self.column + $1]) * Double(k[j * Self.ld + Self.column + $1]) }
            }
            let top = scores.max()!
            let e = scores.map { Foundation.exp($0 - top) }
            let sum = e.reduce(0, +)
            for c in 0..<Self.d {
                out[i * Self.d + c] = (0..<n).reduce(0.0) { $0 + e[$1] / sum * Double(v[$1 * Self.ld + Self.column + c]) }
            }
        }
        return out
    }

    @Test(arguments: [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 24, 33, 64, 142, 300])
    func matchesTheDefinition(n: Int) throws {
        var seed = UInt64(n) &* 7919
        let q = random(n * Self.ld, seed: &seed), k = random(n * Self.ld, seed: &seed), v = random(n * Self.ld, seed: &seed)
        let scale = 1 / Float(Self.d).squareRoot()
        let scratchCount = minilm_attention_scratch(Int32(n), Int32(Self.d))
        var scratch = [Float](repeating: .nan, count: Int(scratchCount) + 8)
        var context = [Float](repeating: .nan, count: n * Self.ld)
        let done = q.withUnsafeBufferPointer { qp in
            k.withUnsafeBufferPointer { kp in
                v.withUnsafeBufferPointer { vp in
                    context.withUnsafeMutableBufferPointer { cp in
                        scratch.withUnsafeMutableBufferPointer { sp in
                            minilm_attention_head(
                                qp.baseAddress! + Self.column, kp.baseAddress! + Self.column, vp.baseAddress! + Self.column,
                                cp.baseAddress! + Self.column, Int32(n), Int32(Self.d), Int32(Self.ld), scale, sp.baseAddress!)
                        }
                    }
                }
            }
        }
        guard done != 0 else {
            #expect(minilm_linear_rows_available() == 0, "declined on a CPU with AVX2 and FMA")
            return
        }
        let expected = reference(q, k, v, n: n, scale: scale)
        var worst = 0.0
        for i in 0..<n {
            for c in 0..<Self.ld {
                let got = context[i * Self.ld + c]
                if (Self.column..<Self.column + Self.d).contains(c) {
                    worst = max(worst, abs(Double(got) - expected[i * Self.d + c - Self.column]))
                } else {
                    #expect(got.isNaN, "row \(i) column \(c) outside the head was written")
                }
            }
        }
        #expect(worst <= 1e-5, "max abs difference \(worst) for n = \(n)")
        let untouched = scratch[Int(scratchCount)...].allSatisfy { $0.isNaN }
        #expect(untouched, "written past the scratch it asked for")
    }
}
