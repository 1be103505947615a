import Foundation
import OctoFCGI

/// What the fuzzers feed arbitrary bytes to: the parsers that face the network.
/// Each must return (an answer or an error) for every input, never crash, and
/// keep its promises: what request validation accepts must decode into the Swift
/// type, and what form validation accepts must decode with its files.
public enum FuzzTargets {
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "scgi": scgi, "multipart": multipart, "json": json,
    ]

    /// The SCGI netstring header parser.
    public static func scgi(_ data: [UInt8]) {
        _ = try? SCGIHeaderParser.parse(data, maxHeaderSize: 4096)
    }

    @Schema struct Upload: Codable, Sendable {
        var file: FormFile
        var label: String
        var count: Int = 1
        var ratio: Double?
    }

    enum Kind: String, Codable, Sendable, CaseIterable { case a, b }

    @Schema struct Nested: Codable, Sendable {
        var name: String
        var flag: Bool = false
    }

    @Schema struct Everything: Codable, Sendable {
        var text: String
        var count: Int
        var ratio: Double = 0.5
        var flag: Bool?
        var tags: [String] = []
        var kind: Kind?
        var scores: [String: Double]?
        var nested: Nested?
        var list: [Nested]?
    }

    static let uploadSchema = SchemaProbe.schema(of: Upload.self)
    static let everythingSchema = SchemaProbe.schema(of: Everything.self)

    /// multipart/form-data parsing and form validation (boundary `XyZ`).
    public static func multipart(_ data: [UInt8]) {
        guard case let .success(validated) = FormValidator.validate(body: data, contentType: "multipart/form-data; boundary=XyZ", schema: uploadSchema) else { return }
        do {
            _ = try FormPayload.decode(Upload.self, from: FormPayload.joined(validated))
        } catch {
            fatalError("a form that passed validation did not decode: \(error)")
        }
    }

    /// The JSON parser and request validation.
    public static func json(_ data: [UInt8]) {
        guard case let .success(normalised) = RequestValidator.validate(body: data, contentType: "application/json", schema: everythingSchema) else { return }
        do {
            _ = try JSONDecoder().decode(Everything.self, from: Data(normalised))
        } catch {
            fatalError("a body that passed validation did not decode: \(error); normalised: \(String(decoding: normalised, as: UTF8.self))")
        }
    }
}
