/// Branch-free `erf` and `exp` for the encoder's element-wise loops.
///
/// Why: glibc's `erff`/`expf` are scalar calls that the compiler cannot
/// vectorise; they took about a fifth of the encoder's time. These are plain
/// polynomial code that LLVM vectorises. Accuracy (checked in the tests against
/// glibc): |erf error| < 5e-7, exp relative error < 2e-7, far inside the
/// 1e-4 tolerance on embeddings.
enum FastMath {
    /// erf(x): Eigen's rational approximation on [-4, 4] (erf(4) = 1 - 1.5e-8).
    @inline(__always)
    static func erf(_ value: Float) -> Float {
        let x = min(max(value, -4), 4)
        let x2 = x * x
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        var q: Float = -1.45660718464996e-05
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return x * p / q
    }

    /// exp(x) for x <= 88 (Cephes `expf`): x = n ln2 + r, a degree-6 polynomial
    /// for e^r, times 2^n built from its bits. Inputs below -87 give about 1e-38.
    /// n is rounded with the 1.5 * 2^23 trick rather than `rounded()`, which is a
    /// libm call on baseline x86-64 and would stop the loop from vectorising.
    @inline(__always)
    static func exp(_ value: Float) -> Float {
        let x0 = min(max(value, -87), 88)
        let magic: Float = 12_582_912  // 1.5 * 2^23
        let shifted = x0 * 1.44269504088896341 + magic
        let n = shifted - magic
        var r = x0 - n * 0.693359375
        r = r + n * 2.12194440e-4
        var y: Float = 1.9875691500e-4
        y = y * r + 1.3981999507e-3
        y = y * r + 8.3334519073e-3
        y = y * r + 4.1665795894e-2
        y = y * r + 1.6666665459e-1
        y = y * r + 5.0000001201e-1
        y = y * r * r + r + 1
        // The low mantissa bits of `shifted` hold n in two's complement.
        let exponent = (Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000 &+ 127) &<< 23
        return y * Float(bitPattern: UInt32(bitPattern: exponent))
    }

    /// Eight lanes of ``erf(_:)``: the same operations in the same order, lane by lane,
    /// so each lane equals the scalar result bit for bit (Swift contracts no `a * b + c`
    /// into an FMA); written on `SIMD8` because LLVM does not vectorise the scalar loop's
    /// division and clamps on baseline x86-64 by itself.
    @inline(__always)
    static func erf(_ value: SIMD8<Float>) -> SIMD8<Float> {
        let x = clamp(value, -4, 4)
        let x2 = x * x
        var p = SIMD8<Float>(repeating: -2.72614225801306e-10)
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        var q = SIMD8<Float>(repeating: -1.45660718464996e-05)
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return x * p / q
    }

    /// Eight lanes of ``exp(_:)``, equal to it lane by lane (see ``erf(_:)-(SIMD8<Float>)``).
    @inline(__always)
    static func exp(_ value: SIMD8<Float>) -> SIMD8<Float> {
        let x0 = clamp(value, -87, 88)
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = x0 * 1.44269504088896341 + magic
        let n = shifted - magic
        var r = x0 - n * 0.693359375
        r = r + n * 2.12194440e-4
        var y = SIMD8<Float>(repeating: 1.9875691500e-4)
        y = y * r + 1.3981999507e-3
        y = y * r + 8.3334519073e-3
        y = y * r + 4.1665795894e-2
        y = y * r + 1.6666665459e-1
        y = y * r + 5.0000001201e-1
        y = y * r * r + r + 1
        let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self)
        let exponent = (bits &- 0x4B40_0000 &+ 127) &<< 23
        return y * unsafeBitCast(exponent, to: SIMD8<Float>.self)
    }

    /// `min(max(x, lower), upper)` per lane, as compare-and-select: the standard
    /// library's `clamped`/`pointwiseMax` on `SIMD8<Float>` are out-of-line calls that
    /// go lane by lane (measured: a third of the softmax's instructions).
    @inline(__always)
    static func clamp(_ x: SIMD8<Float>, _ lower: Float, _ upper: Float) -> SIMD8<Float> {
        let low = x.replacing(with: lower, where: x .< lower)
        return low.replacing(with: upper, where: low .> upper)
    }

    /// The larger of `a` and `b` per lane (no NaN reaches the encoder's softmax).
    @inline(__always)
    static func maximum(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        a.replacing(with: b, where: b .> a)
    }
}
