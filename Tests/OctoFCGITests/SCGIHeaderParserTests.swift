import Testing
@testable import OctoFCGI

@Suite struct SCGIHeaderParserTests {
    /// A netstring of `pairs` (`name\0value\0...`), as nginx sends it.
    static func header(_ pairs: [(String, String)], body: String = "") -> [UInt8] {
        var content: [UInt8] = []
        for (name, value) in pairs { content += Array(name.utf8) + [0] + Array(value.utf8) + [0] }
        return Array("\(content.count):".utf8) + content + Array(",".utf8) + Array(body.utf8)
    }

    static let good: [(String, String)] = [
        ("CONTENT_LENGTH", "5"), ("SCGI", "1"), ("REQUEST_METHOD", "POST"), ("DOCUMENT_URI", "/infer"), ("QUERY_STRING", ""),
        ("HTTP_X", "a"), ("HTTP_X", "b"),
    ]

    func failure(_ bytes: [UInt8], limit: Int = SCGIHeaderParser.defaultMaxHeaderSize) -> SCGIHeaderError? {
        do { _ = try SCGIHeaderParser.parse(bytes, maxHeaderSize: limit); return nil } catch { return error }
    }

    @Test func parsesAGoodHeaderAndLeavesTheBody() throws {
        let bytes = Self.header(Self.good, body: "hello")
        let header = try SCGIHeaderParser.parse(bytes)
        #expect(header.contentLength == 5)
        #expect(header.value("REQUEST_METHOD") == "POST")
        #expect(header.value("DOCUMENT_URI") == "/infer")
        #expect(header.value("QUERY_STRING") == "")
        #expect(header.value("HTTP_X") == "a")
        #expect(header.pairs.count == 7)
        #expect(Array(bytes[header.byteCount...]) == Array("hello".utf8))
    }

    @Test func parsesTheSpecExample() throws {
        // From the SCGI specification (python.ca/scgi/protocol.txt).
        let text = "70:CONTENT_LENGTH\u{0}27\u{0}SCGI\u{0}1\u{0}REQUEST_METHOD\u{0}POST\u{0}REQUEST_URI\u{0}/deepthought\u{0},What is the answer to life?"
        let header = try SCGIHeaderParser.parse(Array(text.utf8))
        #expect(header.contentLength == 27)
        #expect(header.value("REQUEST_URI") == "/deepthought")
        #expect(header.byteCount == 74)
    }

    @Test(arguments: [
        ("", SCGIHeaderError.incomplete),
        ("12", .incomplete),
        ("x:", .badLength),
        (":", .badLength),
        ("-1:", .badLength),
        ("05:", .badLength),
        ("0:,", .malformedPairs),
        ("3:A|B,", .malformedPairs),
        ("4:A|B|", .incomplete),
        ("4:A|B|;", .missingComma),
        ("4:|B||,", .malformedPairs),
        ("6:A|B|C|,", .malformedPairs),
        ("11:SCGI|1|A|1|,", .contentLengthNotFirst),
        ("17:CONTENT_LENGTH|x|,", .invalidContentLength),
        ("18:CONTENT_LENGTH|-1|,", .invalidContentLength),
        ("18:CONTENT_LENGTH|01|,", .invalidContentLength),
        ("36:CONTENT_LENGTH|99999999999999999999|,", .invalidContentLength),
        ("17:CONTENT_LENGTH|0|,", .unsupportedVersion),
        ("24:CONTENT_LENGTH|0|SCGI|2|,", .unsupportedVersion),
    ])
    func rejectsMalformedHeaders(text: String, expected: SCGIHeaderError) {
        // `|` stands for NUL, so the test names stay readable.
        #expect(failure(Array(text.utf8).map { $0 == UInt8(ascii: "|") ? 0 : $0 }) == expected)
    }

    @Test func incompleteAtEveryCut() {
        let bytes = Self.header(Self.good)
        for cut in 0..<bytes.count {
            #expect(failure(Array(bytes[0..<cut])) == .incomplete, "cut at \(cut)")
        }
        #expect(failure(bytes) == nil)
    }

    @Test func oversizedIsRefusedBeforeItArrives() {
        #expect(failure(Array("65537:".utf8)) == .tooLarge(length: 65537, limit: 65536))
        #expect(failure(Array("100".utf8), limit: 99) == .tooLarge(length: Int.max, limit: 99))
        #expect(failure(Array("99999999999999999999999999".utf8)) == .tooLarge(length: Int.max, limit: 65536))
        let bytes = Self.header(Self.good)
        #expect(failure(bytes, limit: bytes.count - 5) != nil)
        #expect(failure(bytes, limit: bytes.count) == nil)
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 0x5C61)
        let alphabet: [UInt8] = Array("0123456789:,\u{0}SCGI1CONTENT_LENGTHx".utf8) + [0xFF, 0xC3]
        for round in 0..<20_000 {
            let count = Int(generator.next() % 64)
            var bytes = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            if round % 2 == 0 { bytes = Self.header([("CONTENT_LENGTH", "3"), ("SCGI", "1")]) + bytes }
            if round % 3 == 0, !bytes.isEmpty { bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next()) }
            if let header = try? SCGIHeaderParser.parse(bytes, maxHeaderSize: 48) {
                #expect(header.byteCount <= bytes.count)
                #expect(header.contentLength >= 0)
            }
        }
    }
}

/// A small deterministic generator, so a fuzz failure reproduces.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
