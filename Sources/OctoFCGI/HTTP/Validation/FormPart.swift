import MultipartKit

import Glibc

/// One part of a `multipart/form-data` body, as multipart-kit's streaming parser
/// delivers it: its headers, then its bytes.
struct FormPart {
    var headers: [(String, String)] = []
    /// The part's bytes: kept for text fields only (file contents are sent from
    /// the request body itself, see ``contentRanges(in:boundary:)``).
    var body: [UInt8] = []
    var length = 0

    /// The `name` and `filename` of `Content-Disposition: form-data; name="x"; filename="y"`.
    var disposition: (name: String?, filename: String?) {
        guard let value = headers.first(where: { $0.0.lowercased() == "content-disposition" })?.1 else { return (nil, nil) }
        let parameters = FormPart.parameters(value)
        return (parameters["name"], parameters["filename"])
    }

    var contentType: String? { headers.first { $0.0.lowercased() == "content-type" }?.1 }

    /// Parses every part of `body`; nil when it is not valid multipart.
    static func parse(_ body: [UInt8], boundary: String) -> [FormPart]? {
        guard headerNamesAreASCII(body, boundary: boundary) else { return nil }
        let parser = MultipartParser(boundary: boundary)
        var parts: [FormPart] = []
        var current = FormPart()
        var complete = false
        parser.onHeader = { name, value in current.headers.append((name, value)) }
        parser.onBody = { buffer in
            current.length += buffer.readableBytes
            if current.disposition.filename == nil { current.body.append(contentsOf: buffer.readableBytesView) }
        }
        parser.onPartComplete = {
            parts.append(current)
            current = FormPart()
            complete = true
        }
        do { try parser.execute(body) } catch { return nil }
        return complete ? parts : nil
    }

    /// Where each part's content lies in `body`, in order: after the blank line
    /// that ends its headers, up to the CRLF before the next delimiter. Used once
    /// multipart-kit has parsed (and so validated) the same body, to send file
    /// contents to the model owner without copying them.
    static func contentRanges(in body: [UInt8], boundary: String) -> [Range<Int>] {
        contentRanges(in: body, delimiters: delimiters(in: body, boundary: boundary))
    }

    /// `body` with the bytes of `ranges` (ascending, disjoint: each part's content,
    /// ``contentRanges(in:delimiters:)``) cut out, so that each part's headers are
    /// followed directly by the CRLF and delimiter that ended its content. Since a
    /// range ends at the first delimiter after its headers, cutting it changes
    /// nothing else a parser sees.
    static func skeleton(_ body: [UInt8], without ranges: [Range<Int>]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count - ranges.reduce(0) { $0 + $1.count })
        var at = 0
        for range in ranges {
            out.append(contentsOf: body[at..<range.lowerBound])
            at = range.upperBound
        }
        out.append(contentsOf: body[at...])
        return out
    }

    /// Where each `--boundary` delimiter line begins (at the start of the body or
    /// after a CRLF), the closing one included: a body has one part fewer.
    static func delimiters(in body: [UInt8], boundary: String) -> [Int] {
        let delimiter = Array("\r\n--\(boundary)".utf8)
        var starts: [Int] = []  // where each delimiter's "--" begins
        if body.starts(with: delimiter.dropFirst(2)) { starts.append(0) }
        var i = 0
        while let found = find(delimiter, in: body, from: i) {
            starts.append(found + 2)
            i = found + delimiter.count
        }
        return starts
    }

    /// Each part's content between consecutive `delimiters` (see ``contentRanges(in:boundary:)``).
    static func contentRanges(in body: [UInt8], delimiters starts: [Int]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for (start, next) in zip(starts, starts.dropFirst()) {
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: start), headerEnd + 4 <= next - 2 else { continue }
            ranges.append((headerEnd + 4)..<(next - 2))
        }
        return ranges
    }

    /// multipart-kit 4.7 indexes a 128-entry table with each byte of a part's
    /// header name, so a byte >= 0x80 there traps (found by scripts/fuzz.sh; the
    /// input is in Tests/FuzzCorpus/multipart). Refuse such a body before it gets
    /// there: after every `--boundary` line, check the name of each header line.
    static func headerNamesAreASCII(_ body: [UInt8], boundary: String) -> Bool {
        let delimiter = Array("--\(boundary)\r\n".utf8)
        var search = 0
        while let found = find(delimiter, in: body, from: search) {
            var i = found + delimiter.count
            search = found + 1
            // Header lines until the blank line: the name runs up to ':' or a control byte.
            while i < body.count, body[i] != 13 {
                while i < body.count, body[i] != UInt8(ascii: ":"), body[i] != 13, body[i] != 10 {
                    if body[i] >= 0x80 { return false }
                    i += 1
                }
                guard let end = find([13, 10], in: body, from: i) else { break }
                i = end + 2
            }
        }
        return true
    }

    /// The first `needle` in `haystack` at or after `start`, found with `memchr`
    /// (vectorised) for its first byte and `memcmp` for the rest: a 5 MiB upload is
    /// searched for every delimiter and part header, and a byte loop made that a
    /// good part of an upload's cost.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, start >= 0, haystack.count - start >= needle.count else { return nil }
        return haystack.withUnsafeBytes { hay -> Int? in
            needle.withUnsafeBytes { pin -> Int? in
                let base = hay.baseAddress!
                let last = hay.count - pin.count  // the last offset a match can start at
                var offset = start
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return nil }
                    let at = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + at, pin.baseAddress!, pin.count) == 0 { return at }
                    offset = at + 1
                }
                return nil
            }
        }
    }

    /// `; key=value` / `; key="quoted value"` parameters of a header value.
    static func parameters(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(header)
        while let semicolon = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semicolon)...].drop { $0 == " " || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingSpaces().lowercased()
            var value = rest[rest.index(after: equals)...]
            if value.first == "\"" {
                value = value.dropFirst()
                var text = ""
                var escaped = false
                var end = value.endIndex
                for index in value.indices {
                    let c = value[index]
                    if escaped { text.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { end = index; break } else { text.append(c) }
                }
                result[key] = text
                rest = end < value.endIndex ? value[value.index(after: end)...] : ""
            } else {
                let end = value.firstIndex(of: ";") ?? value.endIndex
                result[key] = String(value[..<end].trimmingSpaces())
                rest = value[end...]
            }
        }
        return result
    }

    /// The boundary of a `multipart/form-data` content type, or nil for anything else.
    static func boundary(contentType: String?) -> String? {
        guard let contentType else { return nil }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces().lowercased() }
        guard mediaType == "multipart/form-data", let boundary = parameters(contentType)["boundary"], !boundary.isEmpty else { return nil }
        return boundary
    }
}
