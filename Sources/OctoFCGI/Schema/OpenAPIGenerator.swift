/// Builds the OpenAPI 3.1 document of CONTRACT §5. (Stub: the schema work replaces it.)
public enum OpenAPIGenerator {
    public static func document(for api: APIDescription) -> JSONValue {
        ["openapi": "3.1.0"]
    }
}
