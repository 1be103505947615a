/// Reads a form call's payload in the model owner so that each uploaded file
/// lands, once, in the array its ``FormFile`` gets.
///
/// The payload is ``FormPayload``'s `u32 json length | json | request body`, the
/// JSON's file descriptors pointing into the body. Read whole, a 5 MiB upload
/// cost the owner a 5 MiB buffer (fresh pages to fault in and zero) and then a
/// copy of the file out of it into `FormFile.data`: together about half of the
/// owner's CPU per upload (bench/UPLOAD_RESULTS.md). Reading the head first
/// tells where the files are, so the body is read in pieces instead: each file
/// into its own array, the bytes between them (part headers and delimiters, a
/// few hundred bytes; the text fields are in the JSON already) skipped.
///
/// The wire format is unchanged (a Python owner reads it whole, as before). A
/// head this cannot use (no JSON, descriptors out of bounds or overlapping) is
/// read whole too, and decoding then fails as it did.
enum FormPayloadReader {
    /// The payload of `length` bytes after a call's header: the head as the
    /// payload and the files read apart from it, or the whole payload and nil.
    /// nil on EOF or a read error.
    static func read(_ reader: IPCFrameReader, length: Int) -> (payload: [UInt8], files: FormPayload.Files?)? {
        guard length >= 4 else { return reader.read(count: length).map { ($0, nil) } }
        guard let prefix = reader.read(count: 4) else { return nil }
        let jsonLength = Int(LittleEndian.read(prefix, at: 0) as UInt32)
        guard jsonLength <= length - 4 else { return rest(of: prefix, reader, length - 4) }
        guard let json = reader.read(count: jsonLength) else { return nil }
        let bodyLength = length - 4 - jsonLength
        guard let ranges = fileRanges(in: json, bodyLength: bodyLength) else { return rest(of: prefix + json, reader, bodyLength) }
        var pieces: [Int: [UInt8]] = [:]
        var at = 0
        for range in ranges {
            guard reader.skip(count: range.lowerBound - at), let piece = reader.read(count: range.count) else { return nil }
            pieces[range.lowerBound] = piece
            at = range.upperBound
        }
        guard reader.skip(count: bodyLength - at) else { return nil }
        return (prefix + json, FormPayload.Files(pieces: pieces))
    }

    /// `head` and the `count` bytes after it as one payload, without files.
    private static func rest(of head: [UInt8], _ reader: IPCFrameReader, _ count: Int) -> (payload: [UInt8], files: FormPayload.Files?)? {
        reader.read(count: count).map { (head + $0, nil) }
    }

    /// The body ranges of every file descriptor (`{"offset", "length", "filename", ...}`)
    /// in the head's JSON, in order; nil when the JSON does not parse or a range
    /// lies outside the body, overlaps another or starts where another does.
    static func fileRanges(in json: [UInt8], bodyLength: Int) -> [Range<Int>]? {
        guard let value = try? JSONParser.parse(json) else { return nil }
        var ranges: [Range<Int>] = []
        collect(value, into: &ranges)
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var end = 0
        for (index, range) in ranges.enumerated() {
            guard range.lowerBound >= end, range.upperBound <= bodyLength else { return nil }
            if index > 0, ranges[index - 1].lowerBound == range.lowerBound { return nil }
            end = range.upperBound
        }
        return ranges
    }

    private static func collect(_ value: JSONValue, into ranges: inout [Range<Int>]) {
        switch value {
        case let .object(members):
            let field = { (name: String) in members.first { $0.0 == name }?.1 }
            if case let .int(offset)? = field("offset"), case let .int(length)? = field("length"), case .string? = field("filename"),
                offset >= 0, length >= 0, offset <= Int64(Int.max) - length
            {
                ranges.append(Int(offset)..<Int(offset + length))
            } else {
                for (_, member) in members { collect(member, into: &ranges) }
            }
        case let .array(items):
            for item in items { collect(item, into: &ranges) }
        default:
            break
        }
    }
}
