/// What the HTTP side needs to know about one `POST` route, independent of the
/// service's Swift types: where it is and the shapes it takes and gives.
package struct EndpointInfo: Sendable, Equatable {
    /// The route, e.g. `/infer`.
    package var path: String
    /// Prefix of OpenAPI component names: `""` for `/infer` (`Input`, `Output`),
    /// `Tokenize` for `/tokenize` (`TokenizeInput`, `TokenizeOutput`).
    package var componentPrefix: String
    package var input: SchemaNode
    package var output: SchemaNode
    /// The body is `multipart/form-data` (file parts and text fields), not JSON.
    package var isForm: Bool
    /// The answer is a `text/event-stream` of items (then `output` is one item's shape).
    package var isStream: Bool

    package init(path: String, componentPrefix: String, input: SchemaNode, output: SchemaNode, isForm: Bool = false, isStream: Bool = false) {
        self.path = path
        self.componentPrefix = componentPrefix
        self.input = input
        self.output = output
        self.isForm = isForm
        self.isStream = isStream
    }
}

/// The whole HTTP surface of a service, from which the OpenAPI document, the docs
/// page and the usage examples are generated.
package struct APIDescription: Sendable, Equatable {
    /// The document title (the service name).
    package var title: String
    package var version: String
    /// `/infer` first, then the extra endpoints in declaration order.
    package var endpoints: [EndpointInfo]
    /// Whether the responder validates bodies against the endpoints' schemas
    /// (Swift services), or hands them on as they came for the model's side to
    /// validate (Python services: pydantic decides, exactly as the seed).
    package var validatesInResponder = true

    package init(title: String, version: String = "0.1.0", endpoints: [EndpointInfo]) {
        self.title = title
        self.version = version
        self.endpoints = endpoints
    }
}
