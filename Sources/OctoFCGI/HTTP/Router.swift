import Logging

/// The HTTP contract (CONTRACT §1–§2) for one request: routing, validation,
/// built-in pages, the answer shape. Transports call ``handle(_:)`` from their own
/// threads; everything here is immutable and safe to share.
package final class Router: Sendable {
    enum Route: Sendable {
        case root, healthcheck, openAPI, docs
        /// Routed only when the router has metrics to show.
        case metrics(SharedMetrics)
        case endpoint(Int)
        /// `/futures/ID` (the state) or `/futures/ID/result` (the answer).
        case future(id: String, result: Bool)

        /// Index in ``SharedMetrics/builtInRoutes``, then the endpoints.
        var metricsIndex: Int {
            switch self {
            case .root: 0
            case .healthcheck: 1
            case .openAPI: 2
            case .docs: 3
            case .metrics: 4
            case .future: 5
            case let .endpoint(index): SharedMetrics.builtInRoutes.count + index
            }
        }

        var allowedMethods: [String] {
            if case .endpoint = self { return ["POST"] }
            return ["GET", "HEAD"]
        }
    }

    let routes: [String: Route]
    let endpoints: [EndpointInfo]
    /// Whether bodies are validated here (false: the model's side validates them).
    let validatesInResponder: Bool
    let status: any LifecycleStatusSource
    let asyncEnable: Bool
    let backend: any InferenceBackend
    let openAPIBody: [UInt8]
    let docsBody: [UInt8]
    let logger: Logger
    /// `OCTOAI_REPLICA_NAME`, sent on every answer so operators see which replica answered.
    let replicaName: String?
    /// What a body may hold (form parts, part size, JSON values).
    let limits: ContentLimits
    /// Where answers are counted (swift-metrics; a no-op until a backend is bootstrapped).
    let requestMetrics: RequestMetrics
    let streamMetrics = EventStream.Metrics()
    /// Where calls posted with `X-OctoAI-Async: 1` are kept (nil: such calls are answered as any other).
    let futures: FutureStore?

    /// `document` is the OpenAPI document to serve (nil: the one derived from
    /// `api`'s Swift types). `docs: false` leaves `/docs` out (404), for operators who expose no
    /// documentation; without `metrics` there is no `/metrics` either. `limits`
    /// bounds what a body may hold (413 past them), before the model sees it.
    package init(
        api: APIDescription, document: JSONValue? = nil, status: any LifecycleStatusSource, asyncEnable: Bool, backend: any InferenceBackend,
        logger: Logger, replicaName: String? = nil, docs: Bool = true, metrics: SharedMetrics? = nil, limits: ContentLimits = .default,
        futures: FutureStore? = nil
    ) {
        self.limits = limits
        self.futures = futures
        var routes: [String: Route] = ["/": .root, "/healthcheck": .healthcheck, "/openapi.json": .openAPI]
        if docs { routes["/docs"] = .docs }
        if let metrics { routes["/metrics"] = .metrics(metrics) }
        self.requestMetrics = RequestMetrics(endpoints: api.endpoints.map(\.path))
        for (index, endpoint) in api.endpoints.enumerated() { routes[endpoint.path] = .endpoint(index) }
        self.routes = routes
        self.endpoints = api.endpoints
        self.status = status
        self.asyncEnable = asyncEnable
        self.backend = backend
        self.validatesInResponder = api.validatesInResponder
        let document = document ?? OpenAPIGenerator.document(for: api)
        self.openAPIBody = document.bytes
        self.docsBody = Array(DocsPage.html(for: document).utf8)
        self.logger = logger
        self.replicaName = replicaName.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Answers one request. Never throws: every failure is a JSON answer.
    package func handle(_ request: HTTPRequest) -> HTTPResponse {
        requestMetrics.begin()
        let route = routes[request.path] ?? futureRoute(request.path)
        var response = self.route(request, route)
        if let replicaName { response.headers.append(("OCTOAI_REPLICA_NAME", replicaName)) }
        var nanoseconds: UInt64?
        if case .endpoint = route { nanoseconds = MonotonicClock.nanoseconds() &- request.receivedAt }
        requestMetrics.end(route: route?.metricsIndex, status: response.status, nanoseconds: nanoseconds)
        return response
    }

    func route(_ request: HTTPRequest, _ route: Route?) -> HTTPResponse {
        guard let route else {
            if request.path.count > 1, request.path.hasSuffix("/"), routes[String(request.path.dropLast())] != nil {
                let location = String(request.path.dropLast()) + (request.query.isEmpty ? "" : "?" + request.query)
                return .json(307, .null, headers: [("Location", location)]).withEmptyBody()
            }
            return .detail(404, "Not Found")
        }
        guard route.allowedMethods.contains(request.method) else {
            return .detail(405, "Method Not Allowed", headers: [("Allow", route.allowedMethods.joined(separator: ", "))])
        }
        switch route {
        case .root: return .json(200, ["docs": "/docs", "openapi": "/openapi.json"])
        case .healthcheck: return healthcheck()
        case .openAPI: return HTTPResponse(status: 200, body: openAPIBody)
        case .docs: return HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", body: docsBody)
        case let .metrics(metrics):
            let counts = futures?.counts()
            let futureStates = counts.map { counts in FutureStore.State.allCases.map { (state: $0.rawValue, count: counts[$0] ?? 0) } }
            let text = MetricsRenderer.render(metrics, routes: requestMetrics.routes, state: status.state, futures: futureStates)
            return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(text.utf8))
        case let .endpoint(index): return infer(endpoint: index, request: request)
        case let .future(id, result): return future(id, result: result, origin: request.origin)
        }
    }

    func healthcheck() -> HTTPResponse {
        let state = status.state
        return .json(state == .running ? 200 : 503, ["status": .string(state.name), "async_enable": .bool(asyncEnable)])
    }

    func infer(endpoint index: Int, request: HTTPRequest) -> HTTPResponse {
        let input: InferenceInput
        switch validate(request, for: endpoints[index]) {
        case let .success(normalised): input = normalised
        case let .failure(rejection): return rejection.response
        }
        let state = status.state
        guard state == .running else { return Router.notRunning(state) }
        if request.asyncRequested, let futures { return submitFuture(endpoint: index, input: input, request: request, futures: futures) }
        return perform(endpoint: index, input: input, request: request)
    }

    /// What endpoint `index` answers for a validated `input`: the call's output
    /// with its analytics, its stream, or its error. A future's answer is this too.
    package func perform(endpoint index: Int, input: InferenceInput, request: HTTPRequest) -> HTTPResponse {
        if endpoints[index].isStream { return stream(endpoint: index, input: input, request: request) }
        switch backend.call(endpoint: index, input: input, client: request.client) {
        case let .failure(response):
            return response
        case let .output(json, cpu):
            let wall = MonotonicClock.nanoseconds() &- request.receivedAt
            return Router.answer(output: json, cpuNanoseconds: cpu, wallNanoseconds: wall)
        }
    }

    /// A streaming endpoint's answer: an ordinary one while nothing has been
    /// produced (refused, failed before its first item), else the event stream.
    func stream(endpoint index: Int, input: InferenceInput, request: HTTPRequest) -> HTTPResponse {
        let stream: any InferenceStream
        switch backend.stream(endpoint: index, input: input, client: request.client) {
        case let .failure(answer): return answer
        case let .started(started): stream = started
        }
        let first = stream.next(client: request.client)
        switch first {
        case let .failed(answer): return answer
        case .clientGone:
            streamMetrics.cancelled.increment()
            return .clientClosedRequest
        case .item, .end: return EventStream.answer(stream, first: first, request: request, metrics: streamMetrics)
        }
    }

    /// The input for the model, or the answer that refuses the request: checked
    /// against the endpoint's schema here (a Swift service), or only against the
    /// content limits, which hold for every kind of service, and passed on as it
    /// came for the model's side to validate (a Python service: pydantic decides).
    func validate(_ request: HTTPRequest, for endpoint: EndpointInfo) -> Result<InferenceInput, RequestRejection> {
        let (body, contentType) = (request.body, request.contentType)
        switch (validatesInResponder, endpoint.isForm) {
        case (true, true):
            return FormValidator.validate(body: body, contentType: contentType, schema: endpoint.input, limits: limits)
        case (true, false):
            return RequestValidator.check(body: body, contentType: contentType, schema: endpoint.input, limits: limits).map { .json($0) }
        case (false, let isForm):
            let rejection =
                isForm
                ? FormValidator.limitRejection(body: body, contentType: contentType, limits: limits)
                : RequestValidator.limitRejection(body: body, contentType: contentType, limits: limits)
            if let rejection { return .failure(rejection) }
            return .success(.raw(contentType: contentType, body: body))
        }
    }

    /// `{"output": <output>, "analytics": {...}}`, spliced from the already-encoded output
    /// so the model's JSON is never decoded and re-encoded here.
    static func answer(output: [UInt8], cpuNanoseconds: UInt64, wallNanoseconds: UInt64) -> HTTPResponse {
        var body: [UInt8] = []
        body.reserveCapacity(output.count + 96)
        body.append(contentsOf: #"{"output":"#.utf8)
        body.append(contentsOf: output)
        body.append(contentsOf: #","analytics":{"inference_time_ms":"#.utf8)
        appendMilliseconds(cpuNanoseconds, to: &body)
        body.append(contentsOf: #","performance_time_ms":"#.utf8)
        appendMilliseconds(wallNanoseconds, to: &body)
        body.append(contentsOf: "}}".utf8)
        return HTTPResponse(status: 200, body: body)
    }

    /// `ns` as milliseconds with microsecond precision, exactly as
    /// `JSONValue.format(Double(ns / 1000) / 1000)` writes it ("12.0", "0.5",
    /// "1.234"), without going through `Double`'s description on every answer.
    static func appendMilliseconds(_ ns: UInt64, to out: inout [UInt8]) {
        let microseconds = Int(min(ns / 1000, UInt64(Int.max)))
        HTTPResponse.appendDecimal(microseconds / 1000, to: &out)
        out.append(UInt8(ascii: "."))
        var fraction = microseconds % 1000
        guard fraction > 0 else { return out.append(UInt8(ascii: "0")) }
        var divisor = 100
        while fraction > 0 {
            out.append(UInt8(ascii: "0") + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }

    /// 503 for inference while the state is not `RUNNING` (CONTRACT §2), at once.
    package static func notRunning(_ state: LifecycleState) -> HTTPResponse {
        .json(503, ["status": .string(state.name)], headers: [("Retry-After", "1")])
    }
}

extension HTTPResponse {
    func withEmptyBody() -> HTTPResponse {
        var copy = self
        copy.body = []
        return copy
    }
}
