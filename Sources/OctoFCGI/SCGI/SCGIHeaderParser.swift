/// Why an SCGI request header was refused. Every malformed input maps to one of
/// these (never a crash), so the transport can log one line and close.
package enum SCGIHeaderError: Error, Equatable, Sendable {
    /// The bytes so far are a valid prefix: more are needed (at EOF: a truncated request).
    case incomplete
    /// The netstring length is missing, not decimal, or has a leading zero.
    case badLength
    /// The declared header length exceeds the limit.
    case tooLarge(length: Int, limit: Int)
    /// The netstring is not terminated by `,`.
    case missingComma
    /// The header does not split into NUL-terminated name/value pairs, or a name is empty.
    case malformedPairs
    /// The first pair is not `CONTENT_LENGTH` (the SCGI spec requires it first).
    case contentLengthNotFirst
    /// `CONTENT_LENGTH` is not a non-negative decimal integer.
    case invalidContentLength
    /// `SCGI` is absent or not `"1"`.
    case unsupportedVersion
}

/// A parsed SCGI request header.
package struct SCGIHeader: Equatable, Sendable {
    /// `CONTENT_LENGTH`: how many body bytes follow the header.
    package var contentLength: Int
    /// All pairs, in order (a name sent twice keeps both; ``value(_:)`` returns the first).
    package var pairs: [(name: String, value: String)]
    /// Bytes the header occupied, trailing comma included: the body starts here.
    package var byteCount: Int

    /// The first value of `name`, if sent.
    package func value(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    package static func == (lhs: SCGIHeader, rhs: SCGIHeader) -> Bool {
        lhs.contentLength == rhs.contentLength && lhs.byteCount == rhs.byteCount
            && lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// Parses the SCGI netstring header (`<len>:<name>\0<value>\0...,`).
///
/// A pure function over bytes, so it can be unit-tested and fuzzed without a
/// socket. Duplicate names are tolerated (nginx forwards a repeated client header
/// as a repeated `HTTP_*` pair), values need not be valid UTF-8 (they are decoded
/// leniently): nginx is trusted for framing, not for content.
package enum SCGIHeaderParser {
    /// 64 KiB: well above nginx's largest client header buffers (4 x 8 KiB by default).
    package static let defaultMaxHeaderSize = 64 * 1024

    /// Parses the header at the start of `bytes` (which may also hold body bytes).
    package static func parse(_ bytes: [UInt8], maxHeaderSize: Int = defaultMaxHeaderSize) throws(SCGIHeaderError) -> SCGIHeader {
        let (length, colon) = try netstringLength(bytes, maxHeaderSize: maxHeaderSize)
        let start = colon + 1
        let (end, overflow) = start.addingReportingOverflow(length)
        guard !overflow else { throw .tooLarge(length: length, limit: maxHeaderSize) }
        guard end < bytes.count else { throw .incomplete }
        guard bytes[end] == UInt8(ascii: ",") else { throw .missingComma }
        let pairs = try splitPairs(bytes[start..<end])
        guard let first = pairs.first, first.name == "CONTENT_LENGTH" else { throw .contentLengthNotFirst }
        guard let contentLength = decimal(Array(first.value.utf8)) else { throw .invalidContentLength }
        guard pairs.first(where: { $0.name == "SCGI" })?.value == "1" else { throw .unsupportedVersion }
        return SCGIHeader(contentLength: contentLength, pairs: pairs, byteCount: end + 1)
    }

    /// The declared length and the index of the `:` after it.
    static func netstringLength(_ bytes: [UInt8], maxHeaderSize: Int) throws(SCGIHeaderError) -> (Int, Int) {
        // More digits than the limit has cannot be valid: refuse before reading them all.
        let maxDigits = String(maxHeaderSize).count
        var index = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: ":") {
            guard isDigit(bytes[index]) else { throw .badLength }
            index += 1
            if index > maxDigits { throw .tooLarge(length: Int.max, limit: maxHeaderSize) }
        }
        guard index < bytes.count else { throw .incomplete }
        guard let length = decimal(Array(bytes[0..<index])) else { throw .badLength }
        guard length <= maxHeaderSize else { throw .tooLarge(length: length, limit: maxHeaderSize) }
        return (length, index)
    }

    static func splitPairs(_ header: ArraySlice<UInt8>) throws(SCGIHeaderError) -> [(name: String, value: String)] {
        guard header.last == 0 else { throw .malformedPairs }
        let fields = header.dropLast().split(separator: 0, omittingEmptySubsequences: false)
        guard fields.count % 2 == 0 else { throw .malformedPairs }
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(fields.count / 2)
        for i in stride(from: 0, to: fields.count, by: 2) {
            guard !fields[i].isEmpty else { throw .malformedPairs }
            pairs.append((String(decoding: fields[i], as: UTF8.self), String(decoding: fields[i + 1], as: UTF8.self)))
        }
        return pairs
    }

    /// A canonical non-negative decimal (`0`, `42`; not `""`, `007`, `+1`), nil on overflow.
    static func decimal(_ digits: [UInt8]) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy(isDigit), digits.count == 1 || digits[0] != UInt8(ascii: "0") else { return nil }
        var value = 0
        for digit in digits {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
