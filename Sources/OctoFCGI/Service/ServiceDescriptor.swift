/// A service with its types erased, so the CLI, the router and the model owner
/// can work with whichever service `--service-class` (or `--service-module`)
/// picked: a Swift service compiled into this binary, or a Python one.
package struct ServiceDescriptor: Sendable {
    /// Where the model runs, which is what differs between the kinds of service.
    enum Kind: Sendable {
        /// Compiled into this binary: run in process (by the model owner, or by
        /// each responder in sync mode).
        case swift(makeHost: @Sendable () -> any ServiceHosting)
        /// An octoai-sdk module: the model owner is its Python interpreter.
        case python(PythonModule)
    }

    /// The name `--service-class` matches.
    package let name: String
    /// Whether `store-assets` has work to do.
    package let storesAssets: Bool
    /// How many calls the model owner may run at once.
    package let maxConcurrency: Int
    /// Whether `/infer` calls may be grouped into batch calls.
    package let batchesInference: Bool
    /// `/infer` first, then the extra endpoints.
    package let api: APIDescription
    /// The OpenAPI document `/openapi.json` serves, and `/docs` and the usage
    /// examples are made from: derived from the Swift types, or pydantic's.
    package let document: JSONValue
    let kind: Kind

    /// Describes `S`. Fails when an endpoint path is invalid or collides with another route.
    package init<S: Service>(_ type: S.Type) throws {
        let endpoints: [Endpoint<S>] = [Endpoint(path: "/infer", componentPrefix: "", isForm: false, method: S.infer)] + S.endpoints
        let api = APIDescription(
            title: S.serviceName,
            endpoints: endpoints.map {
                EndpointInfo(
                    path: $0.path, componentPrefix: $0.componentPrefix, input: $0.inputSchema, output: $0.outputSchema, isForm: $0.isForm,
                    isStream: $0.isStream)
            })
        try self.init(
            name: S.serviceName, storesAssets: S.self is any AssetStoringService.Type, maxConcurrency: S.maxConcurrency,
            batchesInference: S.self is any BatchingService.Type, api: api, document: OpenAPIGenerator.document(for: api),
            kind: .swift(makeHost: { ServiceHost<S>(endpoints: endpoints) }))
    }

    /// A service of any kind. Fails when an endpoint path is invalid or collides
    /// with another route, or more than one endpoint takes a form.
    init(
        name: String, storesAssets: Bool, maxConcurrency: Int, batchesInference: Bool, api: APIDescription, document: JSONValue, kind: Kind
    ) throws {
        try ServiceDescriptor.checkPaths(api.endpoints.map(\.path), service: name)
        guard api.endpoints.filter(\.isForm).count <= 1 else {
            throw ConfigurationError("\(name): declares more than one form-data endpoint")
        }
        self.name = name
        self.storesAssets = storesAssets
        self.maxConcurrency = max(1, maxConcurrency)
        self.batchesInference = batchesInference
        self.api = api
        self.document = document
        self.kind = kind
    }

    /// A new instance of a Swift service. Only Swift services run in this
    /// process; a Python service's model runs in its interpreter.
    func makeHost() -> any ServiceHosting {
        guard case let .swift(makeHost) = kind else { preconditionFailure("\(name) is a Python service: its model runs in the Python host") }
        return makeHost()
    }

    /// The Python module, for a Python service.
    package var python: PythonModule? {
        if case let .python(module) = kind { return module }
        return nil
    }

    /// Why `--model-concurrency n` cannot serve this service, nil when it can.
    func concurrencyRefusal(_ n: Int) -> String? {
        n <= maxConcurrency ? nil : "--model-concurrency \(n): \(name) allows at most \(maxConcurrency) concurrent calls (its maxConcurrency)"
    }

    static let builtInPaths: Set<String> = ["/", "/healthcheck", "/openapi.json", "/docs", "/metrics"]

    static func checkPaths(_ paths: [String], service: String) throws {
        var seen = Set<String>()
        for path in paths {
            guard path.hasPrefix("/"), path.count > 1, !path.hasSuffix("/"), !path.contains("?") else {
                throw ConfigurationError("\(service): endpoint path \"\(path)\" must start with / and not end with /")
            }
            guard !builtInPaths.contains(path) else {
                throw ConfigurationError("\(service): endpoint path \(path) collides with a built-in route")
            }
            guard seen.insert(path).inserted else {
                throw ConfigurationError("\(service): endpoint path \(path) is declared twice")
            }
        }
    }
}
