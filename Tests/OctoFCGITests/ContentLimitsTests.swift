import Foundation
import Testing

@testable import OctoFCGI

/// The limits on what a body may hold, and on header counts, each answered
/// with its own JSON status; bodies within them are untouched.
@Suite struct ContentLimitsTests {
    static let limits = ContentLimits(maxFormParts: 3, maxPartSize: 10, maxJSONValues: 5)

    func form(_ body: [UInt8]) -> Result<InferenceInput, RequestRejection> {
        FormValidator.validate(
            body: body, contentType: "multipart/form-data; boundary=\(FormValidatorTests.boundary)", schema: SchemaProbe.schema(of: FormValidatorTests.Upload.self),
            limits: Self.limits)
    }

    func text(_ rejection: RequestRejection) -> String { String(decoding: rejection.response.body, as: UTF8.self) }

    @Test func formPartsBeyondTheLimitAre413BeforeParsing() throws {
        let three = FormValidatorTests.body([("file", "f", [1]), ("note", nil, Array("n".utf8)), ("count", nil, Array("2".utf8))])
        #expect(throws: Never.self) { try form(three).get() }
        let four = FormValidatorTests.body([("file", "f", [1]), ("note", nil, Array("n".utf8)), ("count", nil, Array("2".utf8)), ("x", nil, [])])
        guard case let .failure(rejection) = form(four) else { Issue.record("accepted"); return }
        #expect(rejection.response.status == 413)
        #expect(text(rejection) == #"{"detail":"Too many form parts (limit 3)"}"#)
        // Even when the parts would not parse at all: the count is checked first.
        var garbage: [UInt8] = []
        for _ in 0..<1000 { garbage += Array("--\(FormValidatorTests.boundary)\r\n".utf8) }
        guard case let .failure(early) = form(garbage) else { Issue.record("accepted"); return }
        #expect(early.response.status == 413)
    }

    @Test func aPartOverTheSizeLimitIs413WhetherFileOrText() {
        let fits = FormValidatorTests.body([("file", "f", [UInt8](repeating: 1, count: 10)), ("note", nil, Array("0123456789".utf8))])
        #expect(throws: Never.self) { try form(fits).get() }
        for body in [
            FormValidatorTests.body([("file", "f", [UInt8](repeating: 1, count: 11)), ("note", nil, [])]),
            FormValidatorTests.body([("file", "f", []), ("note", nil, Array("0123456789A".utf8))]),
        ] {
            guard case let .failure(rejection) = form(body) else { Issue.record("accepted"); continue }
            #expect(rejection.response.status == 413)
            #expect(text(rejection) == #"{"detail":"Form part too large (limit 10 bytes)"}"#)
        }
    }

    @Test func jsonValuesAreCountedAtEveryDepth() throws {
        let schema = RequestValidatorTests.schema
        // {"prompt": "a", "x": [1, {}]}: the object, "a", the array, 1, {} = 5 values.
        let five = Array(#"{"prompt":"a","x":[1,{}]}"#.utf8)
        #expect(throws: Never.self) { try RequestValidator.check(body: five, contentType: nil, schema: schema, limits: Self.limits).get() }
        let six = Array(#"{"prompt":"a","x":[1,{},null]}"#.utf8)
        guard case let .failure(rejection) = RequestValidator.check(body: six, contentType: nil, schema: schema, limits: Self.limits) else {
            Issue.record("accepted")
            return
        }
        #expect(rejection.response.status == 413)
        #expect(text(rejection) == #"{"detail":"Too many JSON values (limit 5)"}"#)
        // Bad JSON within the limit is still the usual 422.
        guard case let .failure(invalid) = RequestValidator.check(body: Array("{".utf8), contentType: nil, schema: schema, limits: Self.limits) else {
            Issue.record("accepted")
            return
        }
        #expect(invalid.response.status == 422)
    }

    @Test func theParserStopsAtTheLimitWithAFailureThatSaysSo() {
        #expect(throws: Never.self) { try JSONParser.parse(Array("[1,2]".utf8), maxValues: 3) }
        #expect(throws: JSONParser.Failure(offset: 5, message: "Too many values", exceedsLimit: true)) { try JSONParser.parse(Array("[1,2,3]".utf8), maxValues: 3) }
        #expect(throws: JSONParser.Failure(offset: 0, message: "Too many values", exceedsLimit: true)) { try JSONParser.parse(Array("7".utf8), maxValues: 0) }
    }

    @Test func headerCountsAndBodySizesAreRefusedByTheirOwnStatus() {
        let limits = TransportLimits(maxBodySize: 100, maxHeaders: 2)
        #expect(limits.refusal(headers: 2, bodySize: 100) == nil)
        #expect(limits.refusal(headers: 3, bodySize: 0)?.status == 431)
        #expect(limits.refusal(headers: 3, bodySize: 0).map { String(decoding: $0.body, as: UTF8.self) } == #"{"detail":"Too many request headers (limit 2)"}"#)
        #expect(limits.refusal(headers: 0, bodySize: 101)?.status == 413)
    }

    @Test func fastCGIHeadersAreTheHTTPParams() {
        let entries = ["REQUEST_METHOD=POST", "HTTP_HOST=a", "CONTENT_TYPE=x", "HTTP_X_ONE=1", "HTTP_=odd", "HTTPS=on"]
        var pointers: [UnsafeMutablePointer<CChar>?] = entries.map { strdup($0) } + [nil]
        defer { for p in pointers { free(p) } }
        let count = pointers.withUnsafeMutableBufferPointer { FastCGITransport.headerCount($0.baseAddress) }
        #expect(count == 3)
        #expect(FastCGITransport.headerCount(nil) == 0)
    }
}
