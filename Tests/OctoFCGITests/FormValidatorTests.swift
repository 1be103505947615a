import Foundation
import Testing

@testable import OctoFCGI

/// Form parsing and validation in the responder, and the payload the model owner decodes.
@Suite struct FormValidatorTests {
    @Schema struct Upload: Codable, Sendable {
        var file: FormFile
        var note: String
        var count: Int = 1
    }

    static let boundary = "XyZ-boundary-42"

    static func body(_ parts: [(name: String, filename: String?, data: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"".utf8)
            if let filename = part.filename { out += Array("; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream".utf8) }
            out += Array("\r\n\r\n".utf8) + part.data + Array("\r\n".utf8)
        }
        return out + Array("--\(boundary)--\r\n".utf8)
    }

    func validate(_ body: [UInt8]) -> Result<InferenceInput, RequestRejection> {
        FormValidator.validate(body: body, contentType: "multipart/form-data; boundary=\"\(Self.boundary)\"", schema: SchemaProbe.schema(of: Upload.self))
    }

    @Test func fileBytesReachTheServiceExactlyWithoutBeingCopiedIntoThePayload() throws {
        // Content that looks like delimiters and blank lines, but is not the boundary.
        let tricky = Array("a\r\n--XyZ\r\n\r\nb\r\n--".utf8) + (0..<300).map { UInt8($0 % 256) }
        let body = Self.body([("note", nil, Array("hi".utf8)), ("file", "t.bin", tricky)])
        let validated = try validate(body).get()
        let (head, tail) = FormPayload.parts(of: validated)
        #expect(tail == body)
        let decoded = try FormPayload.decode(Upload.self, from: head + tail)
        #expect(decoded.file.data == tricky)
        #expect(decoded.file.filename == "t.bin")
        #expect(decoded.file.contentType == "application/octet-stream")
        #expect(decoded.note == "hi")
        #expect(decoded.count == 1)
    }

    @Test func contentRangesMatchWhatMultipartKitParsed() {
        let body = Self.body([("a", nil, []), ("b", "x", Array("\r\n".utf8)), ("c", nil, Array("--".utf8))])
        let parts = FormPart.parse(body, boundary: Self.boundary) ?? []
        let ranges = FormPart.contentRanges(in: body, boundary: Self.boundary)
        #expect(parts.map(\.length) == [0, 2, 2])
        #expect(ranges.map(\.count) == [0, 2, 2])
    }

    @Test func theSkeletonIsTheBodyWithoutItsContents() {
        let body = Self.body([("note", nil, Array("hi".utf8)), ("file", "t.bin", Array(repeating: 7, count: 1000))])
        let ranges = FormPart.contentRanges(in: body, boundary: Self.boundary)
        let skeleton = FormPart.skeleton(body, without: ranges)
        #expect(skeleton == Self.body([("note", nil, []), ("file", "t.bin", [])]))
        #expect(FormPart.parse(skeleton, boundary: Self.boundary)?.map(\.length) == [0, 0])
    }

    /// multipart-kit reads only the skeleton, so a file's content is never taken for
    /// headers: a line that starts like a delimiter (but lacks the CRLF before it),
    /// followed by bytes >= 0x80, was refused by the header-name check before.
    @Test func fileContentThatLooksLikeAPartIsKeptAsItIs() throws {
        let content = Array("x--\(Self.boundary)\r\n".utf8) + [0xC3, 0xA9, 0x3A, 0xFF] + Array("\r\n\r\n--".utf8)
        let body = Self.body([("note", nil, Array("é".utf8)), ("file", "t.bin", content)])
        let validated = try validate(body).get()
        let decoded = try FormPayload.decode(Upload.self, from: FormPayload.joined(validated))
        #expect(decoded.file.data == content)
        #expect(decoded.note == "é")
    }

    @Test func aDelimiterWithGarbageAfterItIsStillA400() {
        // What follows a delimiter must be CRLF (another part) or "--" (the end): the skeleton keeps it.
        var body = Self.body([("note", nil, Array("hi".utf8))])
        body.replaceSubrange((body.count - 4)..<(body.count - 2), with: Array("xx".utf8))
        guard case let .failure(rejection) = validate(body) else { Issue.record("accepted"); return }
        #expect(rejection.response.status == 400)
    }

    @Test func missingAndMistypedPartsAreAllReported() throws {
        let body = Self.body([("count", nil, Array("many".utf8))])
        guard case let .failure(rejection) = validate(body) else { Issue.record("accepted"); return }
        #expect(rejection.response.status == 422)
        let text = String(decoding: rejection.response.body, as: UTF8.self)
        #expect(text.contains(#""loc":["body","file"]"#) && text.contains(#""loc":["body","note"]"#))
        #expect(text.contains(#""type":"int_parsing","loc":["body","count"]"#))
    }

    @Test func garbageIsA400() {
        let result = FormValidator.validate(body: Array("--XyZ-boundary-42\r\nnot a header\r\n".utf8), contentType: "multipart/form-data; boundary=XyZ-boundary-42", schema: SchemaProbe.schema(of: Upload.self))
        guard case let .failure(rejection) = result else { Issue.record("accepted"); return }
        #expect(rejection.response.status == 400)
    }
}

@Suite struct FormPartSearchTests {
    /// The reference: every offset, compared byte by byte.
    func naive(_ needle: [UInt8], _ haystack: [UInt8], _ start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        return (start...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    @Test func findAgreesWithAByteByByteSearch() {
        var generator = SystemRandomNumberGenerator()
        // A small alphabet so that partial matches, overlaps and matches at both ends are common.
        let alphabet: [UInt8] = [13, 10, 45, 65]
        for _ in 0..<3000 {
            let haystack = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let needle = (0..<Int.random(in: 1...5, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let start = Int.random(in: 0...max(0, haystack.count), using: &generator)
            #expect(FormPart.find(needle, in: haystack, from: start) == naive(needle, haystack, start), "\(needle) in \(haystack) from \(start)")
        }
    }
}
