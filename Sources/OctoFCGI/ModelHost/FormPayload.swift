import Foundation

/// How a validated form travels from the responder to the model owner inside one
/// IPC call: the text fields and file descriptors as JSON, then each file's raw
/// bytes (no base64, no re-encoding).
///
/// ```
/// payload = u32 json length | json | (u64 file length | file bytes)*
/// ```
/// In the JSON, each file field is `{"$file": n, "filename": ..., "content_type": ...}`,
/// which ``FormFile/init(from:)`` resolves against the files that follow.
public enum FormPayload {
    /// The files of one payload, handed to ``FormFile`` through `JSONDecoder.userInfo`.
    public final class Files: @unchecked Sendable {
        let contents: [[UInt8]]
        init(_ contents: [[UInt8]]) { self.contents = contents }
    }

    static let filesKey = CodingUserInfoKey(rawValue: "octoai.formFiles")!

    struct Malformed: Error {}

    static func encode(json: [UInt8], files: [ArraySlice<UInt8>]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4 + json.count + files.reduce(0) { $0 + 8 + $1.count })
        IPCFrame.put(UInt32(json.count), &out)
        out.append(contentsOf: json)
        for file in files {
            IPCFrame.put(UInt64(file.count), &out)
            out.append(contentsOf: file)
        }
        return out
    }

    /// Decodes `T` from a payload made by ``encode(json:files:)``.
    static func decode<T: Decodable>(_ type: T.Type, from payload: [UInt8]) throws -> T {
        guard payload.count >= 4 else { throw Malformed() }
        let jsonLength = Int(IPCFrame.get(payload, 0) as UInt32)
        guard 4 + jsonLength <= payload.count else { throw Malformed() }
        var files: [[UInt8]] = []
        var offset = 4 + jsonLength
        while offset < payload.count {
            guard offset + 8 <= payload.count else { throw Malformed() }
            let length = Int(IPCFrame.get(Array(payload[offset..<offset + 8]), 0) as UInt64)
            offset += 8
            guard length <= payload.count - offset else { throw Malformed() }
            files.append(Array(payload[offset..<offset + length]))
            offset += length
        }
        let decoder = JSONDecoder()
        decoder.userInfo[filesKey] = Files(files)
        return try decoder.decode(T.self, from: Data(payload[4..<4 + jsonLength]))
    }
}
