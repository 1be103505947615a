import CMiniLMKernels
import Foundation
import Testing

@testable import MiniLM

/// The few-rows dense layer (`minilm_linear_rows`, AVX2/FMA) against a plain
/// `Double` dot product and against BLAS, the path every other shape (and a CPU
/// without AVX2) takes; the embedding tests run the encoder through both.
@Suite struct LinearKernelTests {
    /// `x` is rows x inputs, `w` outputs x inputs, `bias` outputs; every output column.
    func reference(_ x: [Float], rows: Int, inputs: Int, _ w: [Float], _ bias: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: rows * bias.count)
        for r in 0..<rows {
            for j in 0..<bias.count {
                var sum = Double(bias[j])
                for k in 0..<inputs { sum += Double(x[r * inputs + k]) * Double(w[j * inputs + k]) }
                y[r * bias.count + j] = Float(sum)
            }
        }
        return y
    }

    func random(_ count: Int, seed: inout UInt64) -> [Float] {
        (0..<count).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: seed >> 11) % 2001 - 1000) / 1000
        }
    }

    /// On a CPU without AVX2/FMA this checks the BLAS path those rows then take.
    @Test(arguments: [(1, 8, 1), (2, 16, 3), (3, 384, 4), (4, 24, 5), (7, 64, 9), (15, 384, 384), (64, 1536, 38)])
    func fewRowsMatchTheReference(rows: Int, inputs: Int, outputs: Int) throws {
        var seed: UInt64 = UInt64(rows * 1_000_003 + inputs * 101 + outputs)
        let x = random(rows * inputs, seed: &seed), w = random(outputs * inputs, seed: &seed), bias = random(outputs, seed: &seed)
        let expected = reference(x, rows: rows, inputs: inputs, w, bias)
        // All columns, and a team's part: only its own columns are written.
        for columns in [0..<outputs, (outputs / 3)..<outputs] {
            var y = [Float](repeating: .nan, count: rows * outputs)
            x.withUnsafeBufferPointer { xp in
                w.withUnsafeBufferPointer { wp in
                    bias.withUnsafeBufferPointer { bp in
                        y.withUnsafeMutableBufferPointer { yp in
                            Kernels.linear(xp.baseAddress!, rows: rows, inputs: inputs, weight: wp, bias: bp, into: yp.baseAddress!, columns: columns)
                        }
                    }
                }
            }
            var worst: Float = 0
            for r in 0..<rows {
                for j in 0..<outputs {
                    let got = y[r * outputs + j]
                    if columns.contains(j) { worst = max(worst, abs(got - expected[r * outputs + j])) } else { #expect(got.isNaN, "column \(j) is not this part's") }
                }
            }
            #expect(worst < 1e-4 * Float(inputs).squareRoot(), "worst |difference| \(worst) for \(rows)x\(inputs) -> \(outputs), columns \(columns)")
        }
    }

    @Test func anInputWidthItCannotTakeIsLeftToBLAS() {
        let x = [Float](repeating: 1, count: 12), w = [Float](repeating: 1, count: 12)
        var y = [Float](repeating: 5, count: 1)
        let handled = minilm_linear_rows(x, 1, 12, w, 0, 1, &y, 1)
        #expect(handled == 0)
        #expect(y == [5], "untouched")
    }
}
