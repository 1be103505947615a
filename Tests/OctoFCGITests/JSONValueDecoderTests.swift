import Foundation
import Testing

@testable import OctoFCGI

/// ``JSONValueDecoder`` decodes what Foundation's `JSONDecoder` decodes, to the
/// same value, and declines (so ``InputDecoder`` asks Foundation) wherever
/// Foundation has rules of its own.
@Suite struct JSONValueDecoderTests {
    enum Mode: String, Codable, Equatable { case fast, exact }
    enum Shape: Codable, Equatable {
        case point
        case circle(radius: Double)
    }
    struct Inner: Codable, Equatable {
        var name: String
        var weights: [Float]
    }
    struct Input: Codable, Equatable {
        var prompt: String
        var maxTokens: Int
        var temperature: Double
        var topP: Float?
        var stream: Bool
        var seed: UInt64?
        var small: Int8?
        var tags: [String]
        var inner: Inner?
        var grid: [[Int]]?
        var counts: [String: Int]?
        var byID: [Int: String]?
        var mode: Mode?
        var shape: Shape?
        var when: Date?
        var nothing: String?
    }

    /// Ours alone, declining also where ``InputDecoder`` would (a repeated key).
    func fast<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let (tree, repeats) = try JSONParser.parseNotingRepeats(Array(text.utf8))
        if repeats { throw JSONValueDecoder.Declined() }
        return try JSONValueDecoder.decode(T.self, from: tree)
    }

    func foundation<T: Decodable>(_ type: T.Type, _ text: String) -> Result<T, any Error> {
        Result { try JSONDecoder().decode(T.self, from: Data(text.utf8)) }
    }

    static let decodable: [String] = [
        #"{"prompt":"hi","maxTokens":16,"temperature":0.7,"stream":false,"tags":[]}"#,
        #"{"prompt":"héllo 😀\n","maxTokens":-3,"temperature":1,"topP":0.25,"stream":true,"tags":["a","b"],"seed":9223372036854775807,"small":-128}"#,
        #"{"prompt":"","maxTokens":0,"temperature":-1.5e-7,"stream":true,"tags":[],"inner":{"name":"n","weights":[1,0.5,3.25e2]},"grid":[[1,2],[],[3]]}"#,
        #"{"prompt":"x","maxTokens":1,"temperature":2,"stream":false,"tags":["t"],"counts":{"a":1,"b":2},"byID":{"1":"one","20":"twenty"}}"#,
        #"{"prompt":"x","maxTokens":1,"temperature":2,"stream":false,"tags":[],"mode":"exact","shape":{"circle":{"radius":2.5}},"when":12.5}"#,
        #"{"prompt":"x","maxTokens":1,"temperature":2,"stream":false,"tags":[],"shape":{"point":{}},"nothing":null,"unknown":{"deep":[1]}}"#,
    ]

    @Test(arguments: decodable)
    func decodesAsFoundationDoes(_ text: String) throws {
        let ours = try fast(Input.self, text)
        #expect(try foundation(Input.self, text).get() == ours)
        #expect(try InputDecoder.decode(Input.self, from: Array(text.utf8)) == ours)
    }

    @Test func decodesTopLevelValuesAndCollections() throws {
        #expect(try fast([Int].self, "[1,2,3]") == [1, 2, 3])
        #expect(try fast(String.self, #""s""#) == "s")
        #expect(try fast(Double?.self, "null") == nil)
        #expect(try fast([String?].self, #"[null,"a"]"#) == [nil, "a"])
        #expect(try fast([String: [Double]].self, #"{"a":[1,2.5]}"#) == ["a": [1, 2.5]])
    }

    /// An object of more than 16 fields is read through the container's index of
    /// its keys (not a scan per key, which a `[String: V]` of 100,000 entries would
    /// make quadratic): the same answer as Foundation's.
    @Test func decodesALargeDictionaryAsFoundationDoes() throws {
        let text = "{" + (0..<10_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        let ours = try fast([String: Int].self, text)
        #expect(ours.count == 10_000)
        #expect(try foundation([String: Int].self, text).get() == ours)
    }

    /// Every document here is one Foundation decides by rules of its own, or
    /// refuses: ours declines, and ``InputDecoder`` then gives Foundation's answer.
    static let declined: [String] = [
        #"{"prompt":"x","maxTokens":1.0,"temperature":2,"stream":false,"tags":[]}"#,  // integer written with a fraction: Foundation takes it
        #"{"prompt":"x","maxTokens":1e2,"temperature":2,"stream":false,"tags":[]}"#,  // ... or with an exponent
        #"{"prompt":"x","maxTokens":1.5,"temperature":2,"stream":false,"tags":[]}"#,  // not an integer: Foundation refuses
        #"{"prompt":"x","maxTokens":1,"temperature":2,"stream":false,"tags":[],"small":300}"#,  // out of Int8's range
        #"{"prompt":"x","maxTokens":1,"temperature":2,"stream":false,"tags":[],"seed":-1}"#,
        #"{"prompt":"x","maxTokens":1,"temperature":2,"stream":false,"tags":[],"topP":1e39}"#,  // beyond Float's range
        #"{"prompt":"x","maxTokens":1,"temperature":1e400,"stream":false,"tags":[]}"#,  // beyond Double's
        #"{"prompt":"x","maxTokens":1,"temperature":2,"stream":false,"tags":[],"seed":18446744073709551615}"#,  // beyond Int64: our parse keeps a Double
        #"{"prompt":"first","prompt":"second","maxTokens":1,"temperature":2,"stream":false,"tags":[]}"#,  // a repeated key: Foundation keeps the first
        #"{"prompt":"x","maxTokens":1,"temperature":2,"stream":false,"tags":[],"counts":{"a":1,"a":2}}"#,
        #"{"prompt":5,"maxTokens":1,"temperature":2,"stream":false,"tags":[]}"#,
        #"{"prompt":"x","temperature":2,"stream":false,"tags":[]}"#,
        #"{"prompt":"x","maxTokens":null,"temperature":2,"stream":false,"tags":[]}"#,
        #"{"prompt":"x","maxTokens":1,"temperature":2,"stream":false,"tags":[],"mode":"slow"}"#,
        #"[1]"#,
        #"{"prompt":"x""#,
    ]

    @Test(arguments: declined)
    func declinesWhereFoundationDecides(_ text: String) throws {
        // Declined, or a type's own `init(from:)` refused (an unknown enum case), or not JSON.
        #expect(throws: (any Error).self) { try fast(Input.self, text) }
        let ours = Result { try InputDecoder.decode(Input.self, from: Array(text.utf8)) }
        switch (ours, foundation(Input.self, text)) {
        case let (.success(a), .success(b)): #expect(a == b)
        case let (.failure(a), .failure(b)): #expect(String(describing: a) == String(describing: b))
        default: Issue.record("\(text): ours \(ours), Foundation \(foundation(Input.self, text))")
        }
    }

    /// A type that catches an error and goes on with a default (lenient
    /// decoding) would have decided otherwise had our decoder's refusal been
    /// Foundation's answer: such a decode is declined as a whole.
    @Test func aRefusalCaughtByTheTypeStillDeclines() throws {
        struct Lenient: Decodable, Equatable {
            var count: Int
            init(count: Int) { self.count = count }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                count = (try? container.decode(Int.self, forKey: .count)) ?? -1
            }
            enum CodingKeys: String, CodingKey { case count }
        }
        let text = #"{"count":2.0}"#  // Foundation reads 2; ours declines the 2.0
        #expect(throws: JSONValueDecoder.Declined.self) { try fast(Lenient.self, text) }
        #expect(try InputDecoder.decode(Lenient.self, from: Array(text.utf8)) == Lenient(count: 2))
        #expect(try fast(Lenient.self, #"{"count":3}"#) == Lenient(count: 3))
    }

    @Test func leavesFoundationsOwnTypesToFoundation() throws {
        struct Blob: Codable, Equatable {
            var data: Data
            var url: URL
            var price: Decimal
        }
        let text = #"{"data":"aGk=","url":"https://example.com/a","price":12.345}"#
        #expect(throws: JSONValueDecoder.Declined.self) { try fast(Blob.self, text) }
        let blob = try InputDecoder.decode(Blob.self, from: Array(text.utf8))
        #expect(blob == Blob(data: Data("hi".utf8), url: URL(string: "https://example.com/a")!, price: Decimal(string: "12.345")!))
    }
}
