import Foundation
import FuzzTargets
import Testing

/// Every input in `Tests/FuzzCorpus/<target>/` (seeds, and whatever a fuzzing run
/// of scripts/fuzz.sh found and kept) goes through its target in the normal
/// suite: a crash or a broken promise found once stays fixed.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    @Test(arguments: ["scgi", "multipart", "json"])
    func corpusInputsAreHandled(target: String) throws {
        let directory = Self.corpus.appendingPathComponent(target)
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        #expect(!files.isEmpty)
        let run = try #require(FuzzTargets.all[target])
        for file in files { run(Array(try Data(contentsOf: file))) }
    }
}
