import Foundation

/// The dense math of the encoder over row-major `Float` matrices.
///
/// Why raw pointers: these loops run over every activation of every layer, and
/// the array bounds checks of a safe loop cost more than the math they guard.
enum Kernels {
    /// `y[rows x out] = x[rows x in] * W^T + b`, `W` being PyTorch's `[out x in]` layout.
    static func linear(
        _ x: UnsafePointer<Float>, rows: Int, inputs: Int,
        weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
        into y: UnsafeMutablePointer<Float>
    ) {
        let outputs = bias.count
        for row in 0..<rows {
            (y + row * outputs).update(from: bias.baseAddress!, count: outputs)
        }
        BLAS.loaded.sgemm(
            BLAS.rowMajor, BLAS.noTrans, BLAS.trans,
            Int32(rows), Int32(outputs), Int32(inputs),
            1, x, Int32(inputs), weight.baseAddress, Int32(inputs),
            1, y, Int32(outputs)
        )
    }

    /// In place: `x = LayerNorm(x + residual) * gamma + beta` row by row
    /// (statistics accumulated in `Double`; biased variance, as PyTorch).
    static func addLayerNorm(
        _ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, rows: Int,
        gamma: UnsafeBufferPointer<Float>, beta: UnsafeBufferPointer<Float>, epsilon: Double
    ) {
        let width = gamma.count
        for row in 0..<rows {
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

    /// In place, the exact (erf) GELU: `x * (1 + erf(x / sqrt 2)) / 2`.
    static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let invSqrt2: Float = 0.70710678118654752440
        for i in 0..<count {
            let v = x[i]
            x[i] = 0.5 * v * (1 + FastMath.erf(v * invSqrt2))
        }
    }

    /// In place, a numerically stable softmax over each of `rows` rows of `width`.
    static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for row in 0..<rows {
            let v = x + row * width
            var maximum = -Float.infinity
            for i in 0..<width { maximum = max(maximum, v[i]) }
            for i in 0..<width { v[i] = FastMath.exp(v[i] - maximum) }
            var sum: Float = 0
            for i in 0..<width { sum += v[i] }
            let inverse = 1 / sum
            for i in 0..<width { v[i] *= inverse }
        }
    }
}
