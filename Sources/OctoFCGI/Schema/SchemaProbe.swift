/// Derives a ``SchemaNode`` from a `Decodable` type by running the type's own
/// `init(from:)` against a recording decoder.
///
/// Swift has no runtime reflection of `Codable` keys, and a type's `CodingKeys`,
/// custom `init(from:)` and `decodeIfPresent` calls are exactly what a JSON client
/// faces; so instead of reading declarations we watch what the decoder is asked
/// for. Defaults and doc comments, which `init(from:)` cannot reveal, come from
/// `@Schema` (``SchemaDescribed``).
package enum SchemaProbe {
    /// The schema of `type`. Never traps: whatever a type's decoding reveals before
    /// it fails is kept, and a type that reveals nothing is `.any`.
    package static func schema<T: Decodable>(of type: T.Type) -> SchemaNode {
        let node = ProbeSession().probe(T.self).node
        guard case var .object(object) = node, let described = T.self as? any SchemaExamples.Type else { return node }
        object.examples = described.encodedExamples
        return .object(object)
    }
}
