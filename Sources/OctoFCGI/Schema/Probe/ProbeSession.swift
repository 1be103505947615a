import Foundation

/// One schema derivation: dispatches on the type and guards against recursion.
///
/// Each probe returns the node and, when it can make one, a placeholder value of
/// the type, which the enclosing `init(from:)` needs to carry on to its next field.
final class ProbeSession {
    private var inProgress: Set<ObjectIdentifier> = []

    func probe<T: Decodable>(_ type: T.Type) -> (node: SchemaNode, value: T?) {
        if let primitive = Self.primitive(T.self) { return (primitive.node, primitive.value as? T) }
        if let optional = T.self as? any OptionalProbing.Type {
            return (.optional(probeAny(optional.wrappedType)), optional.noneValue as? T)
        }
        if let sequence = T.self as? any SequenceProbing.Type {
            return (.array(probeAny(sequence.elementType)), sequence.empty as? T)
        }
        if let dictionary = T.self as? any DictionaryProbing.Type {
            return (.dictionary(probeAny(dictionary.valueType)), dictionary.empty as? T)
        }
        if let enumeration = T.self as? any (CaseIterable & RawRepresentable).Type {
            let (raws, first) = enumCases(enumeration)
            if let strings = raws as? [String] {
                return (.stringEnum(name: String(describing: T.self), values: strings), first as? T)
            }
            if let first = first as? T, raws.first is any BinaryInteger { return (.integer, first) }
        }
        return probeRecord(T.self)
    }

    private func probeAny(_ type: any Decodable.Type) -> SchemaNode {
        probe(type).node
    }

    /// Runs `init(from:)` on a recording decoder (structs, classes, custom types).
    private func probeRecord<T: Decodable>(_ type: T.Type) -> (node: SchemaNode, value: T?) {
        let id = ObjectIdentifier(T.self)
        guard !inProgress.contains(id) else { return (.any, nil) }
        inProgress.insert(id)
        defer { inProgress.remove(id) }
        let decoder = ProbeDecoder(session: self, codingPath: [])
        let value = try? T(from: decoder)
        let node = decoder.recording.node(name: String(describing: T.self), described: T.self as? any SchemaDescribed.Type)
        return (node, value)
    }

    /// JSON scalars and a zero value for each.
    static func primitive(_ type: Any.Type) -> (node: SchemaNode, value: Any)? {
        switch ObjectIdentifier(type) {
        case ObjectIdentifier(String.self): return (.string, "")
        case ObjectIdentifier(Bool.self): return (.boolean, false)
        case ObjectIdentifier(Double.self): return (.number, 0.0)
        case ObjectIdentifier(Float.self): return (.number, Float(0))
        case ObjectIdentifier(Int.self): return (.integer, 0)
        case ObjectIdentifier(Int8.self): return (.integer, Int8(0))
        case ObjectIdentifier(Int16.self): return (.integer, Int16(0))
        case ObjectIdentifier(Int32.self): return (.integer, Int32(0))
        case ObjectIdentifier(Int64.self): return (.integer, Int64(0))
        case ObjectIdentifier(UInt.self): return (.integer, UInt(0))
        case ObjectIdentifier(UInt8.self): return (.integer, UInt8(0))
        case ObjectIdentifier(UInt16.self): return (.integer, UInt16(0))
        case ObjectIdentifier(UInt32.self): return (.integer, UInt32(0))
        case ObjectIdentifier(UInt64.self): return (.integer, UInt64(0))
        default: return foundation(type)
        }
    }

    /// Foundation values whose `init(from:)` rejects a placeholder, in the form
    /// `JSONEncoder`'s default strategies give them.
    static func foundation(_ type: Any.Type) -> (node: SchemaNode, value: Any)? {
        if let file = type as? any FileFieldProbing.Type { return (.file, file.probeValue) }
        switch ObjectIdentifier(type) {
        case ObjectIdentifier(UUID.self): return (.string, UUID())
        case ObjectIdentifier(URL.self): return (.string, URL(fileURLWithPath: "/"))
        case ObjectIdentifier(Date.self): return (.number, Date(timeIntervalSinceReferenceDate: 0))
        case ObjectIdentifier(Data.self): return (.string, Data())
        case ObjectIdentifier(Decimal.self): return (.number, Decimal(0))
        default: return nil
        }
    }
}
