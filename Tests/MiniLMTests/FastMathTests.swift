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
