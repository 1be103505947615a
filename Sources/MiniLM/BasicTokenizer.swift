import Foundation

/// BERT's basic tokenizer (HF `BertNormalizer` + `BertPreTokenizer`), as used by
/// all-MiniLM-L6-v2: text -> words, before WordPiece.
///
/// Why it works on `Unicode.Scalar`s and returns scalar arrays: the reference
/// tokenizer works on code points, and Swift `String`/`Character` comparison is
/// canonical-equivalence aware (NFD Hangul jamo would compare equal to the
/// precomposed syllable), which would silently change matches.
///
/// Steps, in the reference's order:
/// 1. clean text: drop U+0000, U+FFFD and control/format/unassigned scalars
///    (except `\t \n \r`), map every White_Space scalar to a space;
/// 2. put spaces around CJK ideographs (BERT's ranges) so each is a word;
/// 3. NFD, then drop nonspacing marks (accent stripping; Hangul becomes jamo);
/// 4. lower-case scalar by scalar (full mapping, no context: Σ -> σ);
/// 5. split on whitespace, and make every punctuation scalar its own word.
struct BasicTokenizer: Sendable {
    init() {}

    /// The words of `text` (each an array of scalars), in order.
    func words(_ text: Substring.UnicodeScalarView) -> [[Unicode.Scalar]] {
        split(normalize(text))
    }

    /// Steps 1–4: the normalised scalars.
    func normalize(_ text: Substring.UnicodeScalarView) -> [Unicode.Scalar] {
        var cleaned = String.UnicodeScalarView()
        var isASCII = true
        for scalar in text {
            if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
            if Self.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if Self.isCJK(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                if !scalar.isASCII { isASCII = false }
                cleaned.append(scalar)
            }
        }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(cleaned.count)
        if isASCII {
            // NFD and accent stripping are the identity on ASCII: skip Foundation.
            for scalar in cleaned { result.append(Self.asciiLower(scalar)) }
            return result
        }
        let decomposed = String(cleaned).decomposedStringWithCanonicalMapping
        for scalar in decomposed.unicodeScalars where scalar.properties.generalCategory != .nonspacingMark {
            if scalar.isASCII {
                result.append(Self.asciiLower(scalar))
            } else {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return result
    }

    /// Step 5: whitespace separates words; punctuation is a word of its own.
    func split(_ scalars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in scalars {
            if Self.isWhitespace(scalar) {
                if !current.isEmpty { words.append(current); current = [] }
            } else if Self.isPunctuation(scalar) {
                if !current.isEmpty { words.append(current); current = [] }
                words.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    private static func asciiLower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
    }

    /// `\t \n \r` and Unicode White_Space (NBSP, U+2028, U+3000, ...).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r": true
        default: !scalar.isASCII && scalar.properties.isWhitespace
        }
    }

    /// Cc (except `\t \n \r`), Cf, Cs, Co, Cn: the scalars clean-text deletes.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\r": return false
        default:
            if scalar.isASCII { return scalar.value < 0x20 || scalar.value == 0x7F }
            switch scalar.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned: return true
            default: return false
            }
        }
    }

    /// ASCII non-alphanumeric printables (`$ + < = > ^ \` | ~` included) and every Unicode P*.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value) || (123...126).contains(value) {
            return true
        }
        if scalar.isASCII { return false }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// BERT's "Chinese character" blocks (CJK ideographs; not kana, not Hangul).
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            true
        default:
            false
        }
    }
}
