import Foundation
import MiniLM
import Testing

@Suite struct ModelFilesTests {
    private func emptyDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("minilm-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func missingFileErrorNamesTheFileAndStoreAssets() throws {
        let dir = try emptyDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = #expect(throws: ModelFilesError.self) { try ModelFiles.check(directory: dir) }
        #expect(error == .missing("model.safetensors", directory: dir.path))
        let message = "\(error!)"
        #expect(message.contains("model.safetensors"))
        #expect(message.contains(dir.path))
        #expect(message.contains("octoai store-assets"))
    }

    @Test func namesTheFirstMissingFileWhenOthersArePresent() throws {
        let dir = try emptyDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in ["model.safetensors", "vocab.txt", "config.json"] {
            _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(file).path, contents: Data())
        }
        #expect(throws: ModelFilesError.missing("tokenizer_config.json", directory: dir.path)) {
            try ModelFiles.check(directory: dir)
        }
    }

    @Test func modelInitFailsWithTheSameMessage() throws {
        let dir = try emptyDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = #expect(throws: ModelFilesError.self) { _ = try MiniLMModel(directory: dir) }
        #expect("\(error!)".contains("octoai store-assets"))
    }

    @Test func fetchedFilesVerify() throws {
        _ = try MiniLMFixture.model.get()
        try ModelFiles.verify(directory: MiniLMFixture.modelDirectory)
        // Idempotent: a second fetch finds valid files and does nothing.
        try AssetFetcher.fetch(into: MiniLMFixture.modelDirectory)
    }
}
