/// Fixed-width integers in little-endian byte order, as the IPC frames and the
/// form payload carry them.
enum LittleEndian {
    /// Appends `value`'s bytes to `out`.
    static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// The value whose bytes start at `offset` of `bytes` (the caller checks the bounds).
    static func read<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }
}
