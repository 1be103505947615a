/// The recursive-descent engine behind ``JSONParser``, over a borrowed buffer.
///
/// Error positions follow CPython's `_json` scanner (`Modules/_json.c`) so that
/// offsets and messages match what FastAPI reports for the same body.
struct JSONReader {
    typealias Failure = JSONParser.Failure

    let buffer: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    /// Values still allowed before the document is refused.
    var valuesLeft: Int
    /// Whether an object so far gave a key twice.
    var repeatsAKey = false

    init(buffer: UnsafeBufferPointer<UInt8>, maxValues: Int = .max) {
        self.buffer = buffer
        self.valuesLeft = maxValues
    }

    /// The whole input: one value between optional whitespace.
    mutating func document() throws(Failure) -> JSONValue {
        // Python's json.loads(bytes) decodes with utf-8-sig: a leading BOM is dropped.
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = 3 }
        skipWhitespace()
        let value = try self.value()
        skipWhitespace()
        if index < buffer.count { throw Failure(offset: index, message: "Extra data") }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < buffer.count {
            switch buffer[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    @inline(__always)
    func peek() -> UInt8? { index < buffer.count ? buffer[index] : nil }

    mutating func value() throws(Failure) -> JSONValue {
        guard let byte = peek() else { throw Failure(offset: index, message: "Expecting value") }
        valuesLeft -= 1
        if valuesLeft < 0 { throw Failure(offset: index, message: "Too many values", exceedsLimit: true) }
        switch byte {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        default: return try number()
        }
    }

    mutating func literal(_ word: StaticString, _ value: JSONValue) throws(Failure) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard index + count <= buffer.count else { throw Failure(offset: index, message: "Expecting value") }
        let start = word.utf8Start
        for i in 0..<count where buffer[index + i] != start[i] {
            throw Failure(offset: index, message: "Expecting value")
        }
        index += count
        return value
    }

    mutating func enter() throws(Failure) {
        depth += 1
        if depth > JSONParser.maxDepth {
            throw Failure(offset: index, message: "Maximum nesting depth exceeded")
        }
    }

    mutating func array() throws(Failure) -> JSONValue {
        try enter()
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(items)
        }
        while true {
            items.append(try value())
            skipWhitespace()
            guard let byte = peek() else { throw Failure(offset: index, message: "Expecting ',' delimiter") }
            if byte == UInt8(ascii: "]") { break }
            if byte != UInt8(ascii: ",") { throw Failure(offset: index, message: "Expecting ',' delimiter") }
            index += 1
            skipWhitespace()
        }
        index += 1
        depth -= 1
        return .array(items)
    }

    mutating func object() throws(Failure) -> JSONValue {
        try enter()
        index += 1
        var fields = ObjectBuilder()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object([])
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else {
                throw Failure(offset: index, message: "Expecting property name enclosed in double quotes")
            }
            let key = try string()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw Failure(offset: index, message: "Expecting ':' delimiter") }
            index += 1
            skipWhitespace()
            if fields.set(key, try value()) { repeatsAKey = true }
            skipWhitespace()
            guard let byte = peek() else { throw Failure(offset: index, message: "Expecting ',' delimiter") }
            if byte == UInt8(ascii: "}") { break }
            if byte != UInt8(ascii: ",") { throw Failure(offset: index, message: "Expecting ',' delimiter") }
            index += 1
            skipWhitespace()
        }
        index += 1
        depth -= 1
        return .object(fields.fields)
    }
}

/// Collects object members with Python `dict` semantics: a repeated key keeps
/// its first position and takes its last value.
struct ObjectBuilder {
    var fields: [(String, JSONValue)] = []
    var positions: [String: Int]? = nil

    /// Adds or replaces `key`; true when it was already there.
    mutating func set(_ key: String, _ value: JSONValue) -> Bool {
        if let positions {
            guard let at = positions[key] else {
                append(key, value)
                return false
            }
            fields[at].1 = value
            return true
        }
        if let at = fields.firstIndex(where: { $0.0 == key }) {
            fields[at].1 = value
            return true
        }
        append(key, value)
        if fields.count > 16 {
            var map: [String: Int] = [:]
            for (i, field) in fields.enumerated() { map[field.0] = i }
            positions = map
        }
        return false
    }

    private mutating func append(_ key: String, _ value: JSONValue) {
        positions?[key] = fields.count
        fields.append((key, value))
    }
}
