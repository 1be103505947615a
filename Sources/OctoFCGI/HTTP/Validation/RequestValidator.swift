/// The 422 answer: pydantic-style error objects, all of them.
public struct ValidationFailure: Error, Sendable, Equatable {
    /// Each `{"type","loc","msg","input"[,"ctx"]}` object, in the order pydantic reports them.
    public var errors: [JSONValue]
    public init(errors: [JSONValue]) { self.errors = errors }
}

/// Validates a request body against an input schema. (Stub: the schema work replaces it.)
public enum RequestValidator {
    /// Returns the normalised JSON body (defaults filled in, lax coercions applied)
    /// that the model owner decodes, or every validation error.
    public static func validate(body: [UInt8], contentType: String?, schema: SchemaNode) -> Result<[UInt8], ValidationFailure> {
        .success(body)
    }
}
