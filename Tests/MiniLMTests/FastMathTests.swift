import Foundation
import Testing
@testable import MiniLM

@Suite struct FastMathTests {
    @Test func erfIsWithin5e7OfGlibc() {
        var worst: Float = 0
        for i in -60_000...60_000 {
            let x = Float(i) / 10_000
            worst = max(worst, abs(FastMath.erf(x) - Float(Foundation.erf(Double(x)))))
        }
        #expect(worst < 5e-7, "worst |erf error| \(worst)")
    }

    @Test func expIsWithin2e7RelativeOfGlibc() {
        var worst = 0.0
        for i in -870_000...0 {
            let x = Float(i) / 10_000
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(FastMath.exp(x)) - exact) / exact)
        }
        #expect(worst < 2e-7, "worst relative exp error \(worst)")
        #expect(FastMath.exp(-1000) >= 0)
        #expect(FastMath.exp(-1000) < 1e-37)
    }
}

/// The eight-lane kernels against their scalar forms (the paths for tails and odd widths).
@Suite struct VectorKernelTests {
    @Test func vectorExpAndErfEqualTheScalarLaneByLane() {
        var worstExp: Float = 0, worstErf: Float = 0
        for i in stride(from: -100_000, to: 100_000, by: 8) {
            let x = SIMD8<Float>((0..<8).map { Float(i + $0) / 1_000 })
            let e = FastMath.exp(x), f = FastMath.erf(x / 20)
            for lane in 0..<8 {
                worstExp = max(worstExp, abs(e[lane] - FastMath.exp(x[lane])))
                worstErf = max(worstErf, abs(f[lane] - FastMath.erf(x[lane] / 20)))
            }
        }
        #expect(worstExp == 0)
        #expect(worstErf == 0)
    }

    @Test func vectorLayerNormMatchesTheDoubleScalarForm() {
        let width = 384, rows = 5
        var generator = SystemRandomNumberGenerator()
        let input = (0..<(rows * width)).map { Float.random(in: -8...8, using: &generator) + ($0 % 97 == 0 ? 30 : 0) }
        let residual = (0..<(rows * width)).map { _ in Float.random(in: -1...1, using: &generator) }
        let gamma = (0..<width).map { _ in Float.random(in: 0.5...1.5, using: &generator) }
        let beta = (0..<width).map { _ in Float.random(in: -0.2...0.2, using: &generator) }
        var vector = input, scalar = input
        gamma.withUnsafeBufferPointer { g in
            beta.withUnsafeBufferPointer { b in
                residual.withUnsafeBufferPointer { r in
                    Kernels.addLayerNorm(&vector, residual: r.baseAddress, rows: 0..<rows, gamma: g, beta: b, epsilon: 1e-12)
                    Kernels.addLayerNormScalar(&scalar, residual: r.baseAddress, rows: 0..<rows, gamma: g, beta: b, epsilon: 1e-12)
                }
            }
        }
        let worst = zip(vector, scalar).map { abs($0 - $1) }.max() ?? 1
        #expect(worst <= 2e-6, "worst |vector - scalar| \(worst)")
    }

    @Test(arguments: [1, 7, 8, 15, 146, 256])
    func softmaxRowsSumToOneAndMatchTheDefinition(width: Int) {
        let rows = 3
        var x = (0..<(rows * width)).map { Float(($0 * 7919) % 211) / 17 - 6 }
        let input = x
        Kernels.softmaxRows(&x, rows: rows, width: width)
        for row in 0..<rows {
            let slice = input[(row * width)..<((row + 1) * width)].map(Double.init)
            let top = slice.max()!
            let total = slice.reduce(0) { $0 + Foundation.exp($1 - top) }
            for i in 0..<width {
                let exact = Foundation.exp(slice[i] - top) / total
                #expect(abs(Double(x[row * width + i]) - exact) <= 1e-6 * max(1, exact * 10))
            }
        }
    }
}
