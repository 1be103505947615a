import Foundation

/// Decodes a `Decodable` value from a parsed ``JSONValue``: what Foundation's
/// `JSONDecoder` (default strategies) gives for the same document, for the
/// shapes a service's input has (objects, arrays, strings, integers, floats,
/// booleans, null, optionals, nested types, `[String: T]`).
///
/// Why hand-written: Foundation's decoder was 5.6 µs of the 37 µs of CPU a
/// sync-mode responder spent on an echo `POST /infer` (`bench/PROFILE.md`): a
/// decoder object per call, its own scan of the bytes into a map, its
/// bookkeeping of coding paths. The body has been parsed once already by our
/// ``JSONParser``; this walks that tree. None of the packages here offers a
/// `Decoder` over a parsed JSON tree.
///
/// It does not decide differently from Foundation (but for `Float`'s last bit
/// in a rare case: `TreeDecoder.decode(_: Float.Type)` says which), it declines: where
/// Foundation has rules of its own (a number written `1.0` or `1e2` for an
/// integer, a float beyond `Float`'s range, `Data` as base64, `URL` and
/// `Decimal` from their JSON forms) or on any failure at all, it throws and
/// ``InputDecoder`` hands the bytes to `JSONDecoder`, whose answer (value or
/// error, with its messages) is then the one used.
package enum JSONValueDecoder {
    /// Declined: Foundation's decoder decides this document.
    package struct Declined: Error {}

    /// `T` decoded from `value`. Throws ``Declined`` wherever it would not be
    /// exactly Foundation's answer, or what a type's own `init(from:)` throws
    /// (a `RawRepresentable` enum given an unknown value, say).
    package static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        let refusals = Refusals()
        let decoded = try TreeDecoder(value, refusals).decodeValue(T.self)
        // A type that caught a refusal (`try?` with a default) may have decided
        // otherwise than it would have with Foundation's answer.
        if refusals.declined { throw Declined() }
        return decoded
    }
}

/// Whether any part of one decode was declined, even one whose error a type's
/// `init(from:)` caught; shared by the decode's decoders and containers, which
/// live on one thread.
final class Refusals {
    private(set) var declined = false

    func decline() -> JSONValueDecoder.Declined {
        declined = true
        return JSONValueDecoder.Declined()
    }
}

/// The `Decoder` over one value of the tree; also its single-value container.
/// No coding path is kept (always empty): on any failure Foundation decodes the
/// document again and reports the path itself.
final class TreeDecoder: Decoder, SingleValueDecodingContainer {
    let value: JSONValue
    let refusals: Refusals
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, _ refusals: Refusals) {
        self.value = value
        self.refusals = refusals
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case let .object(fields) = value else { throw refusals.decline() }
        return KeyedDecodingContainer(TreeKeyedContainer<Key>(fields: fields, refusals: refusals))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case let .array(items) = value else { throw refusals.decline() }
        return TreeUnkeyedContainer(items: items, refusals: refusals)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case let .bool(b) = value else { throw refusals.decline() }
        return b
    }

    func decode(_ type: String.Type) throws -> String {
        guard case let .string(s) = value else { throw refusals.decline() }
        return s
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case let .int(i): return Double(i)
        case let .double(d) where d.isFinite: return d
        default: throw refusals.decline()
        }
    }

    /// Via `Double`: the body's numbers are parsed to the nearest `Double`, then
    /// rounded to `Float` (Foundation parses the digits to `Float` directly; the
    /// two agree but for decimals of more than 9 digits lying within a hair of
    /// a halfway point between two `Float`s).
    func decode(_ type: Float.Type) throws -> Float {
        let f = Float(try decode(Double.self))
        guard f.isFinite else { throw refusals.decline() }
        return f
    }

    func decode(_ type: Int.Type) throws -> Int { try integer() }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(T.self) }

    /// An integer written as one (no fraction, no exponent) that fits `T`.
    private func integer<T: FixedWidthInteger>() throws -> T {
        guard case let .int(i) = value, let exact = T(exactly: i) else { throw refusals.decline() }
        return exact
    }

    /// `T` from this value: the scalar types directly, the types Foundation
    /// decodes by rules of its own declined, anything else through its own
    /// `init(from:)`.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return try decode(String.self) as! T
        case is Int.Type: return try decode(Int.self) as! T
        case is Double.Type: return try decode(Double.self) as! T
        case is Float.Type: return try decode(Float.self) as! T
        case is Bool.Type: return try decode(Bool.self) as! T
        default:
            if foundationHasRules(for: type) { throw refusals.decline() }
            return try T(from: self)
        }
    }

    /// Whether Foundation's decoder decodes `type` from this value by rules of
    /// its own rather than by `init(from:)`: `Data` (base64), `URL` (a string),
    /// `Decimal` (the number's digits).
    private func foundationHasRules(for type: Any.Type) -> Bool {
        type == Data.self || type == URL.self || type == Decimal.self
    }
}

/// A keyed container over an object's fields, in document order. (A tree from
/// ``JSONParser`` holds each key once: a body that repeats one is Foundation's
/// to decode, see ``InputDecoder``.)
struct TreeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let fields: [(String, JSONValue)]
    /// Where each key is, for an object of more than a few fields: a type that
    /// reads every key (a `[String: V]` of 100,000 entries) must not scan them all each time.
    private let positions: [String: Int]?
    var codingPath: [any CodingKey] { [] }

    let refusals: Refusals

    init(fields: [(String, JSONValue)], refusals: Refusals) {
        self.fields = fields
        self.refusals = refusals
        guard fields.count > 16 else {
            positions = nil
            return
        }
        var positions: [String: Int] = [:]
        positions.reserveCapacity(fields.count)
        for (i, field) in fields.enumerated() where positions[field.0] == nil { positions[field.0] = i }
        self.positions = positions
    }

    var allKeys: [Key] {
        var seen = Set<String>()
        return fields.compactMap { name, _ in seen.insert(name).inserted ? Key(stringValue: name) : nil }
    }

    func contains(_ key: Key) -> Bool { lookUp(key) != nil }

    private func lookUp(_ key: Key) -> JSONValue? {
        let name = key.stringValue
        if let positions { return positions[name].map { fields[$0].1 } }
        for field in fields where field.0 == name { return field.1 }
        return nil
    }

    private func value(_ key: Key) throws -> TreeDecoder {
        guard let value = lookUp(key) else { throw refusals.decline() }
        return TreeDecoder(value, refusals)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(key).decodeValue(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try value(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try value(key).unkeyedContainer() }

    /// A class's superclass part, under the key `super` (declined when absent).
    func superDecoder() throws -> any Decoder {
        guard let value = fields.first(where: { $0.0 == "super" })?.1 else { throw refusals.decline() }
        return TreeDecoder(value, refusals)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { try value(key) }
}

/// An unkeyed container over an array's items.
struct TreeUnkeyedContainer: UnkeyedDecodingContainer {
    let items: [JSONValue]
    var codingPath: [any CodingKey] { [] }
    private(set) var currentIndex = 0

    let refusals: Refusals

    init(items: [JSONValue], refusals: Refusals) {
        self.items = items
        self.refusals = refusals
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    /// The next item (the index moves on only once it has been decoded).
    private func next() throws -> TreeDecoder {
        guard !isAtEnd else { throw refusals.decline() }
        return TreeDecoder(items[currentIndex], refusals)
    }

    private mutating func decoded<T>(_ decode: (TreeDecoder) throws -> T) throws -> T {
        let value = try decode(next())
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard try next().decodeNil() else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: String.Type) throws -> String { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decoded { try $0.decode(type) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decoded { try $0.decode(type) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoded { try $0.decodeValue(type) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try decoded { try $0.container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try decoded { try $0.unkeyedContainer() } }

    mutating func superDecoder() throws -> any Decoder { try decoded { $0 } }
}
