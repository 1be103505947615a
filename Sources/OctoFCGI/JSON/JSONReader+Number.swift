extension JSONReader {
    /// A number under `index`, matched like Python's `NUMBER_RE`
    /// `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`: a fraction or exponent that is not
    /// followed by digits is left unread (so `1.` fails later with `Extra data`).
    mutating func number() throws(Failure) -> JSONValue {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else {
            index = start
            throw Failure(offset: start, message: "Expecting value")
        }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        var isInteger = true
        if peek() == UInt8(ascii: "."), index + 1 < buffer.count, isDigit(buffer[index + 1]) {
            index += 2
            skipDigits()
            isInteger = false
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var probe = index + 1
            if probe < buffer.count, buffer[probe] == UInt8(ascii: "+") || buffer[probe] == UInt8(ascii: "-") { probe += 1 }
            if probe < buffer.count, isDigit(buffer[probe]) {
                index = probe
                skipDigits()
                isInteger = false
            }
        }
        if isInteger, let exact = integer(start..<index) { return .int(exact) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self)
        return .double(Double(text) ?? .nan)
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    private mutating func skipDigits() {
        while index < buffer.count, isDigit(buffer[index]) { index += 1 }
    }

    /// The exact value of an integer literal, nil when it does not fit `Int64`.
    private func integer(_ range: Range<Int>) -> Int64? {
        var i = range.lowerBound
        let negative = buffer[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var value: Int64 = 0
        while i < range.upperBound {
            let digit = Int64(buffer[i] - UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = next
            i += 1
        }
        return value
    }
}
