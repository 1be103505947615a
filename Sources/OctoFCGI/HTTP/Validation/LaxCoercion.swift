/// pydantic 2's lax-mode scalar coercions, to the JSON the Swift type decodes.
enum LaxCoercion {
    /// Ints; floats without a fraction; `true`/`false`; numeric strings
    /// (`" 12 "`, `"1_000"`, `"+5"`, `"3.00"`).
    static func integer(_ value: JSONValue) -> Result<JSONValue, ScalarIssue> {
        switch value {
        case .int: return .success(value)
        case let .bool(flag): return .success(.int(flag ? 1 : 0))
        case let .double(number): return integer(fromDouble: number)
        case let .string(text):
            switch parseInteger(text) {
            case let .some(.some(exact)): return .success(.int(exact))
            case .some(.none): return .failure(.intParsingSize)
            case .none: return .failure(.intParsing)
            }
        default: return .failure(.intType)
        }
    }

    private static func integer(fromDouble number: Double) -> Result<JSONValue, ScalarIssue> {
        guard number.isFinite else { return .failure(.intParsingSize) }
        guard number == number.rounded(.towardZero) else { return .failure(.intFromFloat) }
        // 2^63 is the first double past Int64.max.
        guard number >= -9.223372036854775808e18, number < 9.223372036854775808e18 else { return .failure(.intParsingSize) }
        return .success(.int(Int64(number)))
    }

    /// Any number; numeric strings in Python `float()` syntax; `true`/`false`.
    /// Infinities and NaN are refused: the JSON handed on could not carry them.
    static func number(_ value: JSONValue) -> Result<JSONValue, ScalarIssue> {
        switch value {
        case .int: return .success(value)
        case let .double(number): return number.isFinite ? .success(value) : .failure(.finiteNumber)
        case let .bool(flag): return .success(.double(flag ? 1 : 0))
        case let .string(text):
            guard let number = parseDouble(text) else { return .failure(.floatParsing) }
            return number.isFinite ? .success(.double(number)) : .failure(.finiteNumber)
        default: return .failure(.floatType)
        }
    }

    /// Booleans; 0 and 1; the strings pydantic recognises, any case.
    static func boolean(_ value: JSONValue) -> Result<JSONValue, ScalarIssue> {
        switch value {
        case .bool: return .success(value)
        case let .int(number):
            if number == 0 || number == 1 { return .success(.bool(number == 1)) }
            return .failure(.boolParsing)
        case let .double(number):
            if number == 0 || number == 1 { return .success(.bool(number == 1)) }
            return .failure(number == number.rounded(.towardZero) ? .boolParsing : .boolType)
        case let .string(text):
            switch text.lowercased() {
            case "0", "off", "f", "false", "n", "no": return .success(.bool(false))
            case "1", "on", "t", "true", "y", "yes": return .success(.bool(true))
            default: return .failure(.boolParsing)
            }
        default: return .failure(.boolType)
        }
    }

    /// `nil`: not an integer; `.some(nil)`: an integer too large for `Int64`.
    static func parseInteger(_ text: String) -> Int64?? {
        var digits = Substring(text).trimmingSpaces().utf8[...]
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        if let dot = digits.firstIndex(of: UInt8(ascii: ".")) {
            let fraction = digits[digits.index(after: dot)...]
            guard !fraction.isEmpty, fraction.allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
            digits = digits[..<dot]
        }
        guard let magnitude = underscoredDigits(digits) else { return nil }
        var value: Int64 = 0
        for digit in magnitude {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let step = Int64(digit - UInt8(ascii: "0"))
            let (next, o2) = negative ? times10.subtractingReportingOverflow(step) : times10.addingReportingOverflow(step)
            if o1 || o2 { return .some(nil) }
            value = next
        }
        return .some(value)
    }

    /// The digits of `1_000`-style text: underscores only between digits, at least one digit.
    static func underscoredDigits(_ text: Substring.UTF8View.SubSequence) -> [UInt8]? {
        var digits: [UInt8] = []
        var previousWasDigit = false
        for byte in text {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits.append(byte)
                previousWasDigit = true
            } else if byte == UInt8(ascii: "_"), previousWasDigit {
                previousWasDigit = false
            } else {
                return nil
            }
        }
        return previousWasDigit ? digits : nil
    }

    /// Python `float(str)`: decimal or exponent notation with `_` between digits,
    /// `inf`/`infinity`/`nan` in any case; no hex.
    static func parseDouble(_ text: String) -> Double? {
        let trimmed = Substring(text).trimmingSpaces()
        var body = trimmed
        if let sign = body.first, sign == "+" || sign == "-" { body = body.dropFirst() }
        switch body.lowercased() {
        case "inf", "infinity", "nan": return Double(trimmed.lowercased().replacingOccurrences("infinity", with: "inf"))
        default: break
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || "._eE+-".contains($0)) }) else { return nil }
        let groups = body.split(separator: "_", omittingEmptySubsequences: false)
        for (i, group) in groups.enumerated() {
            if i > 0, !(group.first?.isNumber ?? false) { return nil }
            if i < groups.count - 1, !(group.last?.isNumber ?? false) { return nil }
        }
        let plain = trimmed.filter { $0 != "_" }
        return Double(plain)
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
