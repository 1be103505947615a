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

    @Test func corruptWeightsAreReportedAsInvalidNotCrashed() throws {
        let source = MiniLMFixture.modelDirectory
        _ = try MiniLMFixture.model.get()
        let dir = try emptyDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        for file in ModelFiles.required where file != ModelFiles.weights {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: dir.appendingPathComponent(file))
        }
        try Data("garbage that is not safetensors".utf8).write(to: dir.appendingPathComponent(ModelFiles.weights))
        let error = #expect(throws: ModelFilesError.self) { _ = try MiniLMModel(directory: dir) }
        guard case let .invalid(file, _)? = error else { Issue.record("expected .invalid, got \(String(describing: error))"); return }
        #expect(file == ModelFiles.weights)
        #expect(error?.localizedDescription.contains("store-assets") == true)
    }

    /// An incomplete copy is replaced by a verified one, atomically (nothing left beside it).
    @Test func fetchReplacesAnIncompleteCopy() throws {
        let parent = try emptyDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("minilm")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("partial".utf8).write(to: target.appendingPathComponent(ModelFiles.vocabulary))
        try AssetFetcher.fetch(into: target)
        try ModelFiles.verify(directory: target)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["minilm"])
    }
}
