import Foundation
@testable import MiniLM
import Testing

@Suite struct TokenizerTests {
    @Test func idsEqualTheReferenceForEverySentence() throws {
        let reference = try MiniLMFixture.reference.get()
        let model = try MiniLMFixture.model.get()
        #expect(reference.sentences.count == 29)
        for sentence in reference.sentences {
            let ids = model.tokenize(sentence.text)
            #expect(ids == sentence.ids, "\(sentence.id): \(ids) != \(sentence.ids)")
        }
    }

    @Test func truncatesAt256WithSepLast() throws {
        let model = try MiniLMFixture.model.get()
        let ids = model.tokenize(String(repeating: "word ", count: 400))
        #expect(ids.count == 256)
        #expect(ids.first == 101)
        #expect(ids.last == 102)
    }

    @Test func specialTokensAreMatchedLiterallyAndCaseSensitively() throws {
        let model = try MiniLMFixture.model.get()
        #expect(model.tokenize("[MASK][SEP]") == [101, 103, 102, 102])
        #expect(model.tokenize("[UNK]x") == [101, 100, model.tokenize("x")[1], 102])
        #expect(model.tokenize("[unk]").count == 6)  // [CLS] [ un ##k ] [SEP]
    }

    @Test func basicTokenizerSplitsPunctuationAndCJKAndStripsAccents() {
        let words = BasicTokenizer().words("Café,東京!".unicodeScalars[...])
        #expect(words.map { String(String.UnicodeScalarView($0)) } == ["cafe", ",", "東", "京", "!"])
    }
}
