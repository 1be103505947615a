import Foundation

/// A call posted with `X-OctoAI-Async: 1`, as the store keeps it until it runs:
/// the endpoint, the validated input, and when it was received (wall clock, so
/// that any process can compute its `performance_time_ms`).
package struct FutureCall: Sendable {
    package var endpoint: Int
    package var input: InferenceInput
    /// Seconds since 1970 when the responder received the request.
    package var submittedAt: Double

    package init(endpoint: Int, input: InferenceInput, submittedAt: Double) {
        self.endpoint = endpoint
        self.input = input
        self.submittedAt = submittedAt
    }

    /// `u8 kind | u16 endpoint | u64 submittedAt (Double bits) | u32 first length | first | second`,
    /// little-endian; `first`/`second` are the JSON body (and nothing), a form's
    /// fields and body, or a raw body's content type and body.
    var encoded: [UInt8] {
        let (kind, first, second): (UInt8, [UInt8], [UInt8])
        switch input {
        case let .json(json): (kind, first, second) = (0, json, [])
        case let .form(fields, body): (kind, first, second) = (1, fields, body)
        case let .raw(contentType, body): (kind, first, second) = (2, Array((contentType ?? "").utf8), body)
        }
        var out: [UInt8] = [kind]
        out.reserveCapacity(15 + first.count + second.count)
        LittleEndian.append(UInt16(endpoint), to: &out)
        LittleEndian.append(submittedAt.bitPattern, to: &out)
        LittleEndian.append(UInt32(first.count), to: &out)
        out += first
        out += second
        return out
    }

    init?(encoded bytes: [UInt8]) {
        guard bytes.count >= 15, bytes[0] <= 2 else { return nil }
        let firstLength = Int(LittleEndian.read(bytes, at: 11) as UInt32)
        guard 15 + firstLength <= bytes.count else { return nil }
        let first = Array(bytes[15..<(15 + firstLength)])
        let second = Array(bytes[(15 + firstLength)...])
        endpoint = Int(LittleEndian.read(bytes, at: 1) as UInt16)
        submittedAt = Double(bitPattern: LittleEndian.read(bytes, at: 3))
        switch bytes[0] {
        case 0: input = .json(first)
        case 1: input = .form(fields: first, body: second)
        default: input = .raw(contentType: first.isEmpty ? nil : String(decoding: first, as: UTF8.self), body: second)
        }
    }
}
