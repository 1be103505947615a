extension JSONReader {
    /// A string literal starting at the opening quote under `index`.
    ///
    /// Unescaped runs are decoded straight from the buffer; only strings with
    /// escapes are copied. Non-ASCII bytes are validated as UTF-8 because the
    /// model owner's `JSONDecoder` would refuse what we let through.
    mutating func string() throws(Failure) -> String {
        let start = index
        index += 1
        var runStart = index
        var escaped: [UInt8]? = nil
        while true {
            guard index < buffer.count else { throw Failure(offset: start, message: "Unterminated string starting at") }
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: buffer[runStart..<index])
                index += 1
                guard var bytes = escaped else { return String(decoding: run, as: UTF8.self) }
                bytes.append(contentsOf: run)
                return String(decoding: bytes, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                if escaped == nil { escaped = [] }
                escaped!.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
                try escape(start: start, into: &escaped!)
                runStart = index
            } else if byte < 0x20 {
                throw Failure(offset: index, message: "Invalid control character at")
            } else if byte < 0x80 {
                index += 1
            } else {
                try skipUTF8Scalar()
            }
        }
    }

    /// One escape sequence at the backslash under `index`, appended as UTF-8.
    private mutating func escape(start: Int, into out: inout [UInt8]) throws(Failure) {
        let backslash = index
        guard index + 1 < buffer.count else { throw Failure(offset: start, message: "Unterminated string starting at") }
        let code = buffer[index + 1]
        index += 2
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(code)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"): appendScalar(try unicodeEscape(), to: &out)
        default: throw Failure(offset: backslash, message: "Invalid \\escape")
        }
    }

    /// The code point of `\uXXXX` (index just past the `u`), joining a surrogate pair.
    /// A lone surrogate, which Swift strings cannot hold, becomes U+FFFD.
    private mutating func unicodeEscape() throws(Failure) -> UInt32 {
        let first = try hex4()
        guard (0xD800...0xDBFF).contains(first) else {
            return (0xDC00...0xDFFF).contains(first) ? 0xFFFD : first
        }
        guard index + 1 < buffer.count, buffer[index] == UInt8(ascii: "\\"), buffer[index + 1] == UInt8(ascii: "u") else {
            return 0xFFFD
        }
        let save = index
        index += 2
        let second = try hex4()
        guard (0xDC00...0xDFFF).contains(second) else {
            index = save
            return 0xFFFD
        }
        return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        let uPosition = index - 1
        guard index + 4 < buffer.count else { throw Failure(offset: uPosition, message: "Invalid \\uXXXX escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = buffer[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Failure(offset: uPosition, message: "Invalid \\uXXXX escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        out.append(contentsOf: UTF8.encode(scalar)!)
    }

    /// Steps over one well-formed multi-byte UTF-8 scalar at `index`.
    private mutating func skipUTF8Scalar() throws(Failure) {
        let lead = buffer[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw Failure(offset: index, message: "Invalid UTF-8 at")
        }
        guard index + length <= buffer.count else { throw Failure(offset: index, message: "Invalid UTF-8 at") }
        let second = buffer[index + 1]
        guard second >= low, second <= high else { throw Failure(offset: index, message: "Invalid UTF-8 at") }
        for i in 2..<length where buffer[index + i] & 0xC0 != 0x80 {
            throw Failure(offset: index, message: "Invalid UTF-8 at")
        }
        index += length
    }
}
