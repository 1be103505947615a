/// Lets the probe see through `Optional` without knowing its wrapped type statically.
protocol OptionalProbing {
    static var wrappedType: any Decodable.Type { get }
    static var noneValue: Self { get }
}

extension Optional: OptionalProbing where Wrapped: Decodable {
    static var wrappedType: any Decodable.Type { Wrapped.self }
    static var noneValue: Self { nil }
}

/// A field type that is an uploaded file (`FormFile`): its schema is
/// `{"type": "string", "format": "binary"}`, and its decoder rejects a
/// placeholder, so the type hands the probe a value of itself.
package protocol FileFieldProbing: Decodable {
    static var probeValue: Self { get }
}

/// Lets the probe see the element type of arrays and sets (both JSON arrays).
protocol SequenceProbing {
    static var elementType: any Decodable.Type { get }
    static var empty: Self { get }
}

extension Array: SequenceProbing where Element: Decodable {
    static var elementType: any Decodable.Type { Element.self }
    static var empty: Self { [] }
}

extension Set: SequenceProbing where Element: Decodable {
    static var elementType: any Decodable.Type { Element.self }
    static var empty: Self { [] }
}

/// Lets the probe see the value type of dictionaries (JSON objects with free keys).
protocol DictionaryProbing {
    static var valueType: any Decodable.Type { get }
    static var empty: Self { get }
}

extension Dictionary: DictionaryProbing where Key: Decodable, Value: Decodable {
    static var valueType: any Decodable.Type { Value.self }
    static var empty: Self { [:] }
}

/// The raw values of a `CaseIterable` enum and a value to hand back to the decoding type.
func enumCases<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> (raws: [Any], first: E?) {
    (E.allCases.map { $0.rawValue }, E.allCases.first)
}
