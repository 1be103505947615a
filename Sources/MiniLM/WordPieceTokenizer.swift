import Foundation

/// The all-MiniLM-L6-v2 tokenizer: literal special tokens, ``BasicTokenizer``,
/// then greedy longest-match WordPiece over `vocab.txt`, wrapped in `[CLS]`/`[SEP]`
/// and truncated to ``maxLength`` pieces.
///
/// Why the vocabulary is keyed by UTF-8 bytes and not `String`: Swift strings
/// compare by canonical equivalence, so the NFD jamo `ᄒ ᅡ` would find the vocab
/// entry for the syllable `하`; the reference compares code points exactly.
struct WordPieceTokenizer: Sendable {
    /// Pieces per text including `[CLS]` and `[SEP]` (sentence-transformers'
    /// `max_seq_length`; `tokenizer.json`'s 128 is overridden by it).
    static let maxLength = 256
    /// Longer words become one `[UNK]` (HF `max_input_chars_per_word`).
    static let maxScalarsPerWord = 100
    static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    private let vocab: [[UInt8]: Int]
    private let specials: [(scalars: [Unicode.Scalar], id: Int)]
    let unknownID: Int
    let clsID: Int
    let sepID: Int
    let padID: Int
    let vocabularySize: Int
    private let basic = BasicTokenizer()

    /// Loads `vocab.txt` (one token per line; the line number is the id).
    init(vocabularyFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFilesError.unreadable(path)
        }
        try self.init(vocabulary: data)
    }

    /// Builds the tokenizer from the bytes of a `vocab.txt`.
    init(vocabulary data: Data) throws {
        var vocab: [[UInt8]: Int] = [:]
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        vocab.reserveCapacity(lines.count)
        for (id, line) in lines.enumerated() {
            var token = Array(line)
            if token.last == UInt8(ascii: "\r") { token.removeLast() }
            if vocab[token] == nil { vocab[token] = id }
        }
        func id(_ token: String) throws -> Int {
            guard let id = vocab[Array(token.utf8)] else { throw ModelFilesError.invalid("vocab.txt", "has no \(token)") }
            return id
        }
        self.vocab = vocab
        vocabularySize = lines.count
        unknownID = try id("[UNK]")
        clsID = try id("[CLS]")
        sepID = try id("[SEP]")
        padID = try id("[PAD]")
        specials = try Self.specialTokens.map { (Array($0.unicodeScalars), try id($0)) }
    }

    /// Token ids of `text`: `[CLS]`, at most `maxLength - 2` pieces, `[SEP]`.
    func tokenize(_ text: String) -> [Int] {
        var ids = [clsID]
        let budget = Self.maxLength - 1
        for segment in segments(text) {
            switch segment {
            case let .special(id):
                ids.append(id)
            case let .text(range):
                for word in basic.words(text.unicodeScalars[range]) {
                    ids.append(contentsOf: wordPieces(word))
                    if ids.count >= budget { break }
                }
            }
            if ids.count >= budget { break }
        }
        if ids.count > budget { ids.removeSubrange(budget...) }
        ids.append(sepID)
        return ids
    }

    private enum Segment {
        case special(Int)
        case text(Range<String.UnicodeScalarView.Index>)
    }

    /// Splits `text` at literal special tokens (exact case, matched before any
    /// normalisation, as HF's added-token pass does): `"[UNK]x"` -> `[UNK]`, `x`.
    private func segments(_ text: String) -> [Segment] {
        let scalars = text.unicodeScalars
        var result: [Segment] = []
        var textStart = scalars.startIndex
        var index = scalars.startIndex
        while index < scalars.endIndex {
            if scalars[index] == "[", let (id, end) = special(at: index, in: scalars) {
                if textStart < index { result.append(.text(textStart..<index)) }
                result.append(.special(id))
                index = end
                textStart = end
            } else {
                index = scalars.index(after: index)
            }
        }
        if textStart < scalars.endIndex { result.append(.text(textStart..<scalars.endIndex)) }
        return result
    }

    private func special(at start: String.UnicodeScalarView.Index, in scalars: String.UnicodeScalarView)
        -> (Int, String.UnicodeScalarView.Index)?
    {
        outer: for (token, id) in specials {
            var index = start
            for scalar in token {
                guard index < scalars.endIndex, scalars[index] == scalar else { continue outer }
                index = scalars.index(after: index)
            }
            return (id, index)
        }
        return nil
    }

    /// Greedy longest-match WordPiece; any unmatched remainder makes the whole word `[UNK]`.
    func wordPieces(_ word: [Unicode.Scalar]) -> [Int] {
        if word.count > Self.maxScalarsPerWord { return [unknownID] }
        var bytes: [UInt8] = []
        var offsets: [Int] = [0]
        for scalar in word {
            UTF8.encode(scalar) { bytes.append($0) }
            offsets.append(bytes.count)
        }
        var pieces: [Int] = []
        var key: [UInt8] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int?
            while start < end {
                key.removeAll(keepingCapacity: true)
                if start > 0 { key.append(contentsOf: [UInt8(ascii: "#"), UInt8(ascii: "#")]) }
                key.append(contentsOf: bytes[offsets[start]..<offsets[end]])
                if let id = vocab[key] { found = id; break }
                end -= 1
            }
            guard let id = found else { return [unknownID] }
            pieces.append(id)
            start = end
        }
        return pieces
    }
}
