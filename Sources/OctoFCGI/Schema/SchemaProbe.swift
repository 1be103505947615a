/// Derives a ``SchemaNode`` from a `Decodable` type. (Stub: the schema work replaces it.)
public enum SchemaProbe {
    public static func schema<T: Decodable>(of type: T.Type) -> SchemaNode { .any }
}
