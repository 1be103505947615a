import Testing
@testable import OctoFCGI

@Suite struct JSONParserTests {
    func parse(_ text: String) throws(JSONParser.Failure) -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    func failure(_ text: String) -> JSONParser.Failure? {
        do { _ = try parse(text); return nil } catch { return error }
    }

    @Test func parsesScalarsAndContainers() throws {
        #expect(try parse(" null ") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse("-12") == .int(-12))
        #expect(try parse("1.5e2") == .double(150))
        #expect(try parse("9223372036854775807") == .int(Int64.max))
        #expect(try parse("-9223372036854775808") == .int(Int64.min))
        #expect(try parse("9223372036854775808") == .double(9223372036854775808))
        #expect(try parse(#"{"a":[1,{"b":null}],"c":"d"}"#) == ["a": [1, ["b": nil]], "c": "d"])
        #expect(try parse("[]") == [])
        #expect(try parse("{ }") == .object([]))
    }

    @Test func decodesEscapesAndUnicode() throws {
        #expect(try parse(#""a\"\\\/\b\f\n\r\t""#) == .string("a\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u00e9\ud83d\ude00""#) == .string("é😀"))
        #expect(try parse("\"héllo 😀\"") == .string("héllo 😀"))
        #expect(try parse(#""\ud800""#) == .string("\u{FFFD}"))
    }

    @Test func repeatedKeysKeepFirstPositionAndLastValue() throws {
        #expect(try parse(#"{"a":1,"b":2,"a":3}"#) == ["a": 3, "b": 2])
        let many = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let value = try parse("{\(many),\"k5\":99}")
        #expect(value["k5"] == 99)
        if case let .object(fields) = value { #expect(fields.count == 40) }
    }

    /// Offsets and messages as CPython 3.11 `json.loads` reports them.
    @Test(arguments: [
        (#""\u12""#, 2, "Invalid \\uXXXX escape"),
        (#""\u12zz"x"#, 2, "Invalid \\uXXXX escape"),
        (#""\x""#, 1, "Invalid \\escape"),
        (#""abc"#, 0, "Unterminated string starting at"),
        (#""a\"#, 0, "Unterminated string starting at"),
        ("\"a\nb\"", 2, "Invalid control character at"),
        (#"{"a" 1}"#, 5, "Expecting ':' delimiter"),
        (#"{"a":1 "b"}"#, 7, "Expecting ',' delimiter"),
        ("{,}", 1, "Expecting property name enclosed in double quotes"),
        (#"{"a":1,}"#, 7, "Expecting property name enclosed in double quotes"),
        ("[1,]", 3, "Expecting value"),
        ("[1 2]", 3, "Expecting ',' delimiter"),
        ("01", 1, "Extra data"),
        ("1.", 1, "Extra data"),
        ("-", 0, "Expecting value"),
        ("1e+", 1, "Extra data"),
        ("nul", 0, "Expecting value"),
        ("", 0, "Expecting value"),
        ("  ", 2, "Expecting value"),
        ("[", 1, "Expecting value"),
        ("{", 1, "Expecting property name enclosed in double quotes"),
        (#"{"a""#, 4, "Expecting ':' delimiter"),
        (#"{"a":"#, 5, "Expecting value"),
        ("[1", 2, "Expecting ',' delimiter"),
        ("1 2", 2, "Extra data"),
        ("[-]", 1, "Expecting value"),
        ("NaN", 0, "Expecting value"),
        (#""\ud800\u00zz""#, 8, "Invalid \\uXXXX escape"),
    ])
    func reportsPythonMessages(input: String, offset: Int, message: String) {
        #expect(failure(input) == JSONParser.Failure(offset: offset, message: message))
    }

    @Test func rejectsInvalidUTF8InStrings() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82]] {
            #expect(throws: JSONParser.Failure(offset: 1, message: "Invalid UTF-8 at")) { try JSONParser.parse(bytes) }
        }
    }

    @Test func skipsUTF8ByteOrderMark() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("1".utf8)) == 1)
    }

    @Test func limitsNestingDepth() throws {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try parse(ok) }
        let deep = String(repeating: "[", count: 100_000)
        #expect(failure(deep)?.message == "Maximum nesting depth exceeded")
    }

    @Test func neverCrashesOnGarbage() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]",:\u0123456789.eE-+ntrfalsu"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<40, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = try? JSONParser.parse(bytes)
        }
    }

    @Test func roundTripsThroughSerialization() throws {
        let text = #"{"s":"é\n\"","a":[1,-2.5,true,false,null],"o":{}}"#
        #expect(try parse(text).serialized == text)
    }
}
