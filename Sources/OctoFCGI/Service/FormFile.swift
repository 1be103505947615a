import Foundation

/// A file uploaded to a service's `multipart/form-data` endpoint.
///
/// Declare it as a field of the endpoint's input (`var file: FormFile`); text
/// fields beside it are ordinary `String`/`Int`/`Double`/`Bool` fields, validated
/// as FastAPI validates form fields. The bytes travel from the responder to the
/// model owner as raw bytes (no base64), and are decoded here from that payload.
public struct FormFile: Codable, Sendable, Equatable {
    /// The file name the client sent (`filename=` of the part).
    public var filename: String
    /// The part's `Content-Type`, when the client sent one.
    public var contentType: String?
    /// The file's bytes.
    public var data: [UInt8]

    public init(filename: String, contentType: String? = nil, data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case offset, length
        case filename
        case contentType = "content_type"
        case size
    }

    /// Reads the descriptor `{"offset", "length", "filename", "content_type"}` the
    /// form payload carries and takes those bytes of the request body from the
    /// decoder's ``FormPayload/Files`` (its `userInfo`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        filename = try container.decode(String.self, forKey: .filename)
        contentType = try container.decodeIfPresent(String.self, forKey: .contentType)
        let offset = try container.decode(Int.self, forKey: .offset)
        let length = try container.decode(Int.self, forKey: .length)
        guard let files = decoder.userInfo[FormPayload.filesKey] as? FormPayload.Files, let bytes = files.bytes(offset: offset, length: length) else {
            throw DecodingError.dataCorruptedError(forKey: .offset, in: container, debugDescription: "no bytes \(offset)+\(length) in the form payload")
        }
        data = bytes
    }

    /// As an output, a file is described, not echoed: name, type and size.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(filename, forKey: .filename)
        try container.encodeIfPresent(contentType, forKey: .contentType)
        try container.encode(data.count, forKey: .size)
    }
}

extension FormFile: FileFieldProbing {
    package static var probeValue: FormFile { FormFile(filename: "", data: []) }
}
