import Foundation
@testable import MiniLM
import Testing

@Suite struct SafeTensorsTests {
    /// Writes a safetensors file: 8-byte LE header length, JSON header, data.
    private func write(header: String, data: [UInt8], padHeaderTo: Int? = nil) throws -> String {
        var json = Array(header.utf8)
        if let pad = padHeaderTo { while json.count < pad { json.append(UInt8(ascii: " ")) } }
        var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
        bytes += json + data
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("minilm-test-\(UUID().uuidString).safetensors").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    private func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
    }

    @Test func readsTensorsMetadataAndValues() throws {
        let header = #"{"__metadata__":{"format":"pt"},"#
            + #""a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[24,28]},"#
            + #""i":{"dtype":"I64","shape":[1],"data_offsets":[28,36]}}"#
        let path = try write(header: header, data: floatBytes([1, 2, 3, 4, 5, 6, -0.5]) + Array(repeating: 0, count: 8), padHeaderTo: 128)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try SafeTensors(path: path)
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors.count == 3)
        #expect(file.tensors["a"]?.shape == [2, 3])
        #expect(Array(try file.floats("a", shape: [2, 3])) == [1, 2, 3, 4, 5, 6])
        #expect(Array(try file.floats("b")) == [-0.5])
        #expect(throws: SafeTensorsError.wrongDType("i", "I64")) { try file.floats("i") }
        #expect(throws: SafeTensorsError.missingTensor("zzz")) { try file.floats("zzz") }
        #expect(throws: SafeTensorsError.wrongShape("a", expected: [3, 2], found: [2, 3])) { try file.floats("a", shape: [3, 2]) }
    }

    @Test func copiesMisalignedTensors() throws {
        // A 55-byte header: the data starts at byte 63, not a multiple of 4.
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let path = try write(header: header, data: floatBytes([7, 8]), padHeaderTo: header.utf8.count + 1)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try SafeTensors(path: path)
        // The views live as long as the file object: keep it alive while reading.
        let values = Array(try file.floats("a"))
        withExtendedLifetime(file) {}
        #expect(values == [7, 8])
    }

    @Test func rejectsMalformedFiles() throws {
        let outOfRange = try write(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: floatBytes([1]))
        let notJSON = try write(header: "not json", data: [])
        defer { for p in [outOfRange, notJSON] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(throws: SafeTensorsError.self) { try SafeTensors(path: outOfRange) }
        #expect(throws: SafeTensorsError.self) { try SafeTensors(path: notJSON) }
        #expect(throws: SafeTensorsError.self) { try SafeTensors(path: "/nonexistent/model.safetensors") }
    }
}
