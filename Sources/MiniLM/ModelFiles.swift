import Foundation

/// The files of the all-MiniLM-L6-v2 model folder and the checks on them.
///
/// Why a separate check: `setup()` of a service runs in production where the
/// usual cause of a missing file is that `octoai store-assets` was never run;
/// the error should say so instead of failing deep inside the loader.
public enum ModelFiles {
    /// Weights (fp32 safetensors).
    public static let weights = "model.safetensors"
    /// WordPiece vocabulary, one token per line.
    public static let vocabulary = "vocab.txt"
    /// BERT config (sizes are checked against the encoder's).
    public static let config = "config.json"
    /// Files that must be present for the model to load, relative to its directory.
    /// The tokenizer and pooling configs are not read (their settings are built in
    /// and tested against the reference) but their presence marks a complete copy.
    public static let required = [weights, vocabulary, config, "tokenizer_config.json", "1_Pooling/config.json"]
    /// Lines in `vocab.txt` (BERT uncased vocabulary).
    public static let vocabularySize = 30522

    /// Throws ``ModelFilesError/missing(_:directory:)`` naming the first absent file.
    public static func check(directory: URL) throws {
        for file in required {
            let path = directory.appendingPathComponent(file).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw ModelFilesError.missing(file, directory: directory.path)
            }
        }
    }

    /// ``check(directory:)`` plus content checks: the safetensors header parses and
    /// holds the word embeddings, `vocab.txt` has ``vocabularySize`` lines.
    public static func verify(directory: URL) throws {
        try check(directory: directory)
        let weightsPath = directory.appendingPathComponent(weights).path
        let tensors: SafeTensors
        do { tensors = try SafeTensors(path: weightsPath) } catch {
            throw ModelFilesError.invalid(weights, "\(error)")
        }
        guard tensors.tensors["embeddings.word_embeddings.weight"]?.shape == [vocabularySize, BertEncoder.Config.miniLM.hidden] else {
            throw ModelFilesError.invalid(weights, "has no [\(vocabularySize), 384] embeddings.word_embeddings.weight")
        }
        let vocabPath = directory.appendingPathComponent(vocabulary).path
        guard let vocab = FileManager.default.contents(atPath: vocabPath) else { throw ModelFilesError.unreadable(vocabPath) }
        let lines = vocab.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        guard lines == vocabularySize else {
            throw ModelFilesError.invalid(vocabulary, "has \(lines) lines, expected \(vocabularySize)")
        }
    }
}

/// Why the model files could not be used.
public enum ModelFilesError: LocalizedError, CustomStringConvertible, Equatable {
    /// A required file is absent from the model directory.
    case missing(String, directory: String)
    /// A file exists but cannot be read.
    case unreadable(String)
    /// A file's content is not what the model needs.
    case invalid(String, String)

    public var description: String {
        switch self {
        case let .missing(file, directory):
            "MiniLM model file \(file) is missing from \(directory); run `octoai store-assets` to download the model"
        case let .unreadable(path):
            "cannot read \(path)"
        case let .invalid(file, why):
            "MiniLM model file \(file) is invalid: \(why); delete it and run `octoai store-assets` again"
        }
    }

    public var errorDescription: String? { description }
}
