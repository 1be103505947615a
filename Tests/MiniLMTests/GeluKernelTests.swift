import Foundation
import Testing

@testable import MiniLM

/// The encoder's GELU (`minilm_gelu`, AVX2/FMA, where the CPU has them; else
/// the portable `SIMD8` path) against the definition `x * (1 + erf(x / sqrt 2)) / 2`
/// in `Double` with glibc's `erf`, and against the portable path, over the range
/// the FFN produces and past the approximation's clamp, every length up to two
/// vectors and a tail (the last lanes must be computed, and nothing past the end
/// touched).
@Suite struct GeluKernelTests {
    static func exact(_ v: Float) -> Float {
        let x = Double(v)
        return Float(0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot())))
    }

    static let inputs: [Float] = (0..<4001).map { Float($0 - 2000) / 250 }  // -8 ... 8

    @Test func matchesTheDefinitionAndThePortablePath() {
        var fast = Self.inputs, portable = Self.inputs
        fast.withUnsafeMutableBufferPointer { Kernels.gelu($0.baseAddress!, count: $0.count) }
        portable.withUnsafeMutableBufferPointer { Kernels.geluPortable($0.baseAddress!, count: $0.count) }
        for (i, v) in Self.inputs.enumerated() {
            #expect(abs(fast[i] - Self.exact(v)) <= 2e-6 * max(1, abs(v)), "gelu(\(v)) = \(fast[i]), exact \(Self.exact(v))")
            #expect(abs(fast[i] - portable[i]) <= 2e-6 * max(1, abs(v)), "gelu(\(v)): \(fast[i]) vs portable \(portable[i])")
        }
    }

    @Test(arguments: Array(1...19))
    func everyLengthIsComputedAndNothingPastItTouched(count: Int) {
        var buffer = [Float](repeating: 1, count: count) + [Float](repeating: .nan, count: 8)
        buffer.withUnsafeMutableBufferPointer { Kernels.gelu($0.baseAddress!, count: count) }
        for i in 0..<count { #expect(abs(buffer[i] - Self.exact(1)) <= 2e-6, "lane \(i) of \(count): \(buffer[i])") }
        for i in count..<buffer.count { #expect(buffer[i].isNaN, "float \(i) past the end of \(count) was written") }
    }
}
