import Foundation

/// How a validated form travels from the responder to the model owner inside one
/// IPC call: the text fields and file descriptors as JSON, then the request
/// body itself, which the descriptors point into. A file is never copied into
/// a buffer of its own on the way (no base64, no re-encoding, no reassembly).
///
/// ```
/// payload = u32 json length | json | request body
/// ```
/// In the JSON, each file field is `{"offset", "length", "filename", "content_type"}`,
/// which ``FormFile/init(from:)`` resolves against the body that follows.
package enum FormPayload {
    /// The files' bytes, handed to ``FormFile`` through `JSONDecoder.userInfo`:
    /// either the request body after the JSON, which a file's descriptor points
    /// into (its bytes are then copied out), or each file read on its own into
    /// the array the service gets (``FormPayloadReader``, in the model owner).
    package final class Files: Sendable {
        private let payload: [UInt8]
        private let base: Int
        /// Each file's bytes by the offset its descriptor names.
        private let pieces: [Int: [UInt8]]

        init(payload: [UInt8], base: Int) {
            (self.payload, self.base, self.pieces) = (payload, base, [:])
        }

        init(pieces: [Int: [UInt8]]) {
            (self.payload, self.base, self.pieces) = ([], 0, pieces)
        }

        func bytes(offset: Int, length: Int) -> [UInt8]? {
            if let piece = pieces[offset] { return piece.count == length ? piece : nil }
            guard offset >= 0, length >= 0, base + offset + length <= payload.count else { return nil }
            // A copy of the file's bytes (its own array, as `FormFile.data` is), in
            // huge pages when it is megabytes (``LargeBuffer``).
            return payload.withUnsafeBytes { source in
                LargeBuffer.make(count: length) { storage in
                    storage.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[(base + offset)..<(base + offset + length)]))
                    return length
                }
            }
        }
    }

    static let filesKey = CodingUserInfoKey(rawValue: "octoai.formFiles")!

    struct Malformed: Error {}

    /// The head: the JSON's length and the JSON; the body follows it on the wire.
    static func head(json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4 + json.count)
        LittleEndian.append(UInt32(json.count), to: &out)
        out.append(contentsOf: json)
        return out
    }

    /// The payload a service decodes `input` from, in two pieces to send one
    /// after the other: a JSON body whole (and no tail), a form's head and the
    /// request body its files point into, a raw body after its content type
    /// (`u32 length | content type`, what the Python host reads).
    package static func parts(of input: InferenceInput) -> (head: [UInt8], tail: [UInt8]) {
        switch input {
        case let .json(json): (json, [])
        case let .form(fields, body): (head(json: fields), body)
        case let .raw(contentType, body): (head(json: Array((contentType ?? "").utf8)), body)
        }
    }

    /// The same payload in one buffer, for a caller that decodes it in process.
    package static func joined(_ input: InferenceInput) -> [UInt8] {
        let (head, tail) = parts(of: input)
        return tail.isEmpty ? head : head + tail
    }

    /// Decodes `T` from a head and the body after it, or from a head alone and
    /// the `files` read apart from it.
    package static func decode<T: Decodable>(_ type: T.Type, from payload: [UInt8], files: Files? = nil) throws -> T {
        guard payload.count >= 4 else { throw Malformed() }
        let jsonLength = Int(LittleEndian.read(payload, at: 0) as UInt32)
        guard 4 + jsonLength <= payload.count else { throw Malformed() }
        let decoder = JSONDecoder()
        decoder.userInfo[filesKey] = files ?? Files(payload: payload, base: 4 + jsonLength)
        return try decoder.decode(T.self, from: Data(payload[4..<4 + jsonLength]))
    }
}
