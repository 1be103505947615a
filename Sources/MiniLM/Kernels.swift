import CMiniLMKernels
import Foundation

/// The dense math of the encoder over row-major `Float` matrices.
///
/// Why raw pointers: these loops run over every activation of every layer, and
/// the array bounds checks of a safe loop cost more than the math they guard.
enum Kernels {
    /// Up to this many rows a dense layer runs on ``minilm_linear_rows`` (AVX2/FMA,
    /// no packing of the weight) where the CPU has it, above on BLAS.
    /// `MINILM_SMALL_ROWS` overrides it (0: BLAS always), for the benchmark's A/B.
    static let smallRows: Int = {
        if let value = ProcessInfo.processInfo.environment["MINILM_SMALL_ROWS"].flatMap(Int.init) { return value }
        return 64
    }()

    /// `y[rows x out] = x[rows x in] * W^T + b`, `W` being PyTorch's `[out x in]` layout,
    /// for the output columns `columns` only (all of them by default): a team's parts
    /// each compute their own columns, reading all of `x`.
    static func linear(
        _ x: UnsafePointer<Float>, rows: Int, inputs: Int,
        weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
        into y: UnsafeMutablePointer<Float>, columns: Range<Int>? = nil
    ) {
        let outputs = bias.count
        let columns = columns ?? 0..<outputs
        let n = columns.count, first = columns.lowerBound
        guard n > 0, rows > 0 else { return }
        for row in 0..<rows {
            (y + row * outputs + first).update(from: bias.baseAddress! + first, count: n)
        }
        if rows <= smallRows,
            minilm_linear_rows(x, Int32(rows), Int32(inputs), weight.baseAddress!, Int32(first), Int32(n), y, Int32(outputs)) != 0
        {
            return
        }
        BLAS.loaded.sgemm(
            BLAS.rowMajor, BLAS.noTrans, BLAS.trans,
            Int32(rows), Int32(n), Int32(inputs),
            1, x, Int32(inputs), weight.baseAddress! + first * inputs, Int32(inputs),
            1, y + first, Int32(outputs)
        )
    }

    /// In place: `x = LayerNorm(x + residual) * gamma + beta` row by row
    /// (statistics accumulated in `Double`; biased variance, as PyTorch).
    static func addLayerNorm(
        _ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, rows: Int,
        gamma: UnsafeBufferPointer<Float>, beta: UnsafeBufferPointer<Float>, epsilon: Double
    ) {
        addLayerNorm(x, residual: residual, rows: 0..<rows, gamma: gamma, beta: beta, epsilon: epsilon)
    }

    /// The same over the rows `rows` of `x` (and `residual`) only. Eight lanes at a time
    /// where `width` allows (the model's 384 does): statistics summed in `Float` lanes,
    /// two passes (mean, then squared deviations), which differs from the `Double`
    /// scalar form (``addLayerNormScalar``, the tests compare them) by ~1e-6 at most.
    static func addLayerNorm(
        _ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, rows: Range<Int>,
        gamma: UnsafeBufferPointer<Float>, beta: UnsafeBufferPointer<Float>, epsilon: Double
    ) {
        let width = gamma.count
        guard width % 8 == 0 else {
            return addLayerNormScalar(x, residual: residual, rows: rows, gamma: gamma, beta: beta, epsilon: epsilon)
        }
        let g = UnsafeRawPointer(gamma.baseAddress!), b = UnsafeRawPointer(beta.baseAddress!)
        for row in rows {
            let v = UnsafeMutableRawPointer(x + row * width)
            let r = residual.map { UnsafeRawPointer($0 + row * width) }
            var sums = SIMD8<Float>(repeating: 0)
            for i in stride(from: 0, to: width * 4, by: 32) {
                var lane = v.loadUnaligned(fromByteOffset: i, as: SIMD8<Float>.self)
                if let r { lane += r.loadUnaligned(fromByteOffset: i, as: SIMD8<Float>.self) }
                v.storeBytes(of: lane, toByteOffset: i, as: SIMD8<Float>.self)
                sums += lane
            }
            let mean = sums.sum() / Float(width)
            var squares = SIMD8<Float>(repeating: 0)
            for i in stride(from: 0, to: width * 4, by: 32) {
                let d = v.loadUnaligned(fromByteOffset: i, as: SIMD8<Float>.self) - mean
                squares += d * d
            }
            let scale = Float(1 / (Double(squares.sum()) / Double(width) + epsilon).squareRoot())
            for i in stride(from: 0, to: width * 4, by: 32) {
                let d = v.loadUnaligned(fromByteOffset: i, as: SIMD8<Float>.self) - mean
                let y = d * scale * g.loadUnaligned(fromByteOffset: i, as: SIMD8<Float>.self)
                    + b.loadUnaligned(fromByteOffset: i, as: SIMD8<Float>.self)
                v.storeBytes(of: y, toByteOffset: i, as: SIMD8<Float>.self)
            }
        }
    }

    /// The scalar form: statistics accumulated in `Double`, any width.
    static func addLayerNormScalar(
        _ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, rows: Range<Int>,
        gamma: UnsafeBufferPointer<Float>, beta: UnsafeBufferPointer<Float>, epsilon: Double
    ) {
        let width = gamma.count
        for row in rows {
            let v = x + row * width
            if let residual {
                let r = residual + row * width
                for i in 0..<width { v[i] += r[i] }
            }
            var sum = 0.0
            for i in 0..<width { sum += Double(v[i]) }
            let mean = sum / Double(width)
            var squares = 0.0
            for i in 0..<width {
                let d = Double(v[i]) - mean
                squares += d * d
            }
            let scale = 1 / (squares / Double(width) + epsilon).squareRoot()
            for i in 0..<width {
                v[i] = Float((Double(v[i]) - mean) * scale) * gamma[i] + beta[i]
            }
        }
    }

    /// Whether attention runs fused in C (`minilm_attention_head`) where the CPU
    /// allows: `MINILM_FUSED_ATTENTION=0` keeps BLAS's path, for A/B runs.
    static let fusedAttention = ProcessInfo.processInfo.environment["MINILM_FUSED_ATTENTION"] != "0"

    /// In place, the exact (erf) GELU: `x * (1 + erf(x / sqrt 2)) / 2`.
    static func gelu(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, columns: Range<Int>) {
        for row in 0..<rows {
            gelu(x + row * width + columns.lowerBound, count: columns.count)
        }
    }

    /// With AVX2 and FMA (C, `minilm_gelu`: 8 lanes and fused multiply-adds,
    /// where Swift's `SIMD8` on the baseline target is two SSE halves without
    /// FMA), else ``geluPortable(_:count:)``.
    static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        if minilm_gelu(x, count) != 0 { return }
        geluPortable(x, count: count)
    }

    /// ``gelu(_:count:)`` for any CPU, on `SIMD8` and ``FastMath/erf(_:)-(SIMD8<Float>)``.
    static func geluPortable(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let invSqrt2: Float = 0.70710678118654752440
        let raw = UnsafeMutableRawPointer(x)
        var i = 0
        while i + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            let y = 0.5 * v * (1 + FastMath.erf(v * invSqrt2))
            raw.storeBytes(of: y, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            let v = x[i]
            x[i] = 0.5 * v * (1 + FastMath.erf(v * invSqrt2))
            i += 1
        }
    }

    /// In place, a numerically stable softmax over each of `rows` rows of `width`.
    /// Eight lanes at a time (max, exp and sum each over `SIMD8`): the scalar loop did
    /// not vectorise (a float max or sum must keep its order) and took a fifth of a
    /// long text's encode. The lanes sum in a different order than one by one, the
    /// same for every row of every call, so a batch still equals its sentences alone.
    static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for row in 0..<rows {
            softmax(x + row * width, count: width)
        }
    }

    @inline(__always)
    private static func softmax(_ v: UnsafeMutablePointer<Float>, count: Int) {
        let raw = UnsafeMutableRawPointer(v)
        let blocks = count / 8 * 8
        var lanes = SIMD8<Float>(repeating: -.infinity)
        for i in stride(from: 0, to: blocks, by: 8) {
            lanes = FastMath.maximum(lanes, raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
        }
        var maximum = lanes.max()
        for i in blocks..<count { maximum = max(maximum, v[i]) }
        var sums = SIMD8<Float>(repeating: 0)
        for i in stride(from: 0, to: blocks, by: 8) {
            let e = FastMath.exp(raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - maximum)
            raw.storeBytes(of: e, toByteOffset: i * 4, as: SIMD8<Float>.self)
            sums += e
        }
        var sum = sums.sum()
        for i in blocks..<count {
            v[i] = FastMath.exp(v[i] - maximum)
            sum += v[i]
        }
        let inverse = 1 / sum
        for i in stride(from: 0, to: blocks, by: 8) {
            let e = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) * inverse
            raw.storeBytes(of: e, toByteOffset: i * 4, as: SIMD8<Float>.self)
        }
        for i in blocks..<count { v[i] *= inverse }
    }
}
