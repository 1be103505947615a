#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A `.safetensors` file, memory-mapped read-only.
///
/// Why `mmap` and not `Data(contentsOf:)`: the MiniLM weights are 90 MB and every
/// server process that loads them would otherwise hold a private heap copy. Mapped
/// pages are shared through the page cache, are only read in when touched, and the
/// tensors are handed out as `UnsafeBufferPointer<Float>` views straight into the map.
///
/// Format: 8-byte little-endian header length `N`, `N` bytes of JSON
/// (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`),
/// then the data section that the offsets are relative to.
final class SafeTensors: @unchecked Sendable {
    /// One tensor's entry in the header.
    struct TensorInfo: Sendable, Equatable {
        let dtype: String
        let shape: [Int]
        /// Byte range inside the data section.
        let dataOffsets: Range<Int>
    }

    /// Tensors by name, as listed in the header.
    let tensors: [String: TensorInfo]
    /// The optional `__metadata__` string map.
    let metadata: [String: String]

    // Immutable after init and never written through, hence @unchecked Sendable.
    private let base: UnsafeRawPointer
    private let length: Int
    private let dataStart: Int
    /// Tensors whose start is not 4-byte aligned are copied once into here.
    private var alignedCopies: [UnsafeMutableBufferPointer<Float>] = []
    private let copiesLock = NSLock()

    /// Maps the file at `path` and parses its header.
    /// - Throws: ``SafeTensorsError`` when the file cannot be opened or is malformed.
    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SafeTensorsError.cannotOpen(path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SafeTensorsError.cannotOpen(path, errno: errno) }
        let size = Int(info.st_size)
        guard size >= 8 else { throw SafeTensorsError.malformed(path, "file is \(size) bytes, shorter than the 8-byte header length") }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw SafeTensorsError.cannotOpen(path, errno: errno)
        }
        let raw = UnsafeRawPointer(map)
        do {
            let parsed = try Self.parseHeader(raw, length: size, path: path)
            tensors = parsed.tensors
            metadata = parsed.metadata
            dataStart = parsed.dataStart
        } catch {
            munmap(map, size)
            throw error
        }
        base = raw
        length = size
    }

    deinit {
        for copy in alignedCopies { copy.deallocate() }
        munmap(UnsafeMutableRawPointer(mutating: base), length)
    }

    /// The fp32 tensor `name` as a view into the mapped file (valid while `self` lives).
    /// - Throws: ``SafeTensorsError`` when the tensor is absent, not `F32`, or has
    ///   a different element count than `shape` implies.
    func floats(_ name: String) throws -> UnsafeBufferPointer<Float> {
        guard let tensor = tensors[name] else { throw SafeTensorsError.missingTensor(name) }
        guard tensor.dtype == "F32" else { throw SafeTensorsError.wrongDType(name, tensor.dtype) }
        let count = tensor.shape.reduce(1, *)
        guard tensor.dataOffsets.count == count * MemoryLayout<Float>.size else {
            throw SafeTensorsError.malformed(name, "data_offsets span \(tensor.dataOffsets.count) bytes, shape \(tensor.shape) needs \(count * 4)")
        }
        let start = base + dataStart + tensor.dataOffsets.lowerBound
        if Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 {
            return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self), count: count)
        }
        // The format does not promise alignment; copy the rare misaligned tensor once.
        let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        UnsafeMutableRawBufferPointer(copy).copyMemory(from: UnsafeRawBufferPointer(start: start, count: count * 4))
        copiesLock.withLock { alignedCopies.append(copy) }
        return UnsafeBufferPointer(copy)
    }

    /// `floats(name)` after checking the tensor's shape is `shape`.
    func floats(_ name: String, shape: [Int]) throws -> UnsafeBufferPointer<Float> {
        guard let tensor = tensors[name] else { throw SafeTensorsError.missingTensor(name) }
        guard tensor.shape == shape else { throw SafeTensorsError.wrongShape(name, expected: shape, found: tensor.shape) }
        return try floats(name)
    }

    private struct Header {
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        var dataStart = 0
    }

    /// Parses the JSON header (only the header bytes go through Foundation).
    private static func parseHeader(_ raw: UnsafeRawPointer, length: Int, path: String) throws -> Header {
        var headerLength: UInt64 = 0
        withUnsafeMutableBytes(of: &headerLength) { $0.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: 8)) }
        headerLength = UInt64(littleEndian: headerLength)
        guard headerLength <= UInt64(length - 8) else {
            throw SafeTensorsError.malformed(path, "header length \(headerLength) exceeds the file size \(length)")
        }
        var header = Header()
        header.dataStart = 8 + Int(headerLength)
        let json = Data(bytes: raw + 8, count: Int(headerLength))
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw SafeTensorsError.malformed(path, "header is not a JSON object")
        }
        let dataLength = length - header.dataStart
        for (name, value) in object {
            guard let entry = value as? [String: Any] else { throw SafeTensorsError.malformed(path, "entry \(name) is not an object") }
            if name == "__metadata__" {
                header.metadata = entry.compactMapValues { $0 as? String }
                continue
            }
            header.tensors[name] = try tensorInfo(entry, name: name, dataLength: dataLength, path: path)
        }
        return header
    }

    private static func tensorInfo(_ entry: [String: Any], name: String, dataLength: Int, path: String) throws -> TensorInfo {
        guard let dtype = entry["dtype"] as? String,
              let shape = (entry["shape"] as? [NSNumber])?.map(\.intValue),
              let offsets = (entry["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2
        else { throw SafeTensorsError.malformed(path, "entry \(name) lacks dtype, shape or data_offsets") }
        guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataLength, shape.allSatisfy({ $0 >= 0 }) else {
            throw SafeTensorsError.malformed(path, "entry \(name) has data_offsets \(offsets) outside the \(dataLength)-byte data section")
        }
        return TensorInfo(dtype: dtype, shape: shape, dataOffsets: offsets[0]..<offsets[1])
    }
}

/// Why a `.safetensors` file or tensor could not be used.
enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(String, errno: Int32)
    case malformed(String, String)
    case missingTensor(String)
    case wrongDType(String, String)
    case wrongShape(String, expected: [Int], found: [Int])

    var description: String {
        switch self {
        case let .cannotOpen(path, code): "cannot open \(path): \(String(cString: strerror(code)))"
        case let .malformed(what, why): "malformed safetensors (\(what)): \(why)"
        case let .missingTensor(name): "tensor \(name) is not in the safetensors file"
        case let .wrongDType(name, dtype): "tensor \(name) is \(dtype), expected F32"
        case let .wrongShape(name, expected, found): "tensor \(name) has shape \(found), expected \(expected)"
        }
    }
}
