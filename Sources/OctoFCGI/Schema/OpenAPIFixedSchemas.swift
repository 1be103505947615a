/// The parts of the OpenAPI document that do not depend on the service: the
/// built-in routes and the shapes of analytics, errors and health answers.
enum OpenAPIFixedSchemas {
    static let all: [(String, JSONValue)] = [
        ("ResponseAnalytics", [
            "properties": [
                "inference_time_ms": ["description": "CPU time the model spent on this request, in milliseconds.", "title": "Inference Time Ms", "type": "number"],
                "performance_time_ms": ["description": "Wall time from receiving the request to the result, queueing included, in milliseconds.", "title": "Performance Time Ms", "type": "number"],
            ],
            "required": ["inference_time_ms", "performance_time_ms"],
            "title": "ResponseAnalytics",
            "type": "object",
        ]),
        ("HTTPValidationError", [
            "properties": ["detail": ["items": ["$ref": "#/components/schemas/ValidationError"], "title": "Detail", "type": "array"]],
            "title": "HTTPValidationError",
            "type": "object",
        ]),
        ("ValidationError", [
            "properties": [
                "loc": ["items": ["anyOf": [["type": "string"], ["type": "integer"]]], "title": "Location", "type": "array"],
                "msg": ["title": "Message", "type": "string"],
                "type": ["title": "Error Type", "type": "string"],
                "input": ["title": "Input"],
                "ctx": ["title": "Context", "type": "object"],
            ],
            "required": ["loc", "msg", "type"],
            "title": "ValidationError",
            "type": "object",
        ]),
        ("ErrorDetail", [
            "properties": ["detail": ["title": "Detail", "type": "string"]],
            "required": ["detail"],
            "title": "ErrorDetail",
            "type": "object",
        ]),
        ("ServiceUnavailable", [
            "description": "`status` (the lifecycle state) while the service is not running; `detail` when it is overloaded.",
            "properties": [
                "detail": ["title": "Detail", "type": "string"],
                "status": ["title": "Status", "type": "string"],
            ],
            "title": "ServiceUnavailable",
            "type": "object",
        ]),
        ("HealthResponse", [
            "properties": [
                "status": ["title": "Status", "type": "string"],
                "async_enable": ["title": "Async Enable", "type": "boolean"],
            ],
            "required": ["status", "async_enable"],
            "title": "HealthResponse",
            "type": "object",
        ]),
        ("RootResponse", [
            "properties": [
                "docs": ["title": "Docs", "type": "string"],
                "openapi": ["title": "Openapi", "type": "string"],
            ],
            "required": ["docs", "openapi"],
            "title": "RootResponse",
            "type": "object",
        ]),
    ]

    static let names = Set(all.map(\.0))

    /// The last event of a stream that ended well: `{"analytics": ResponseAnalytics}`.
    static let streamAnalytics: JSONValue = [
        "properties": ["analytics": JSONSchemaEmitter.ref("ResponseAnalytics")],
        "required": ["analytics"],
        "title": "StreamAnalytics",
        "type": "object",
    ]

    static func response(_ description: String, _ schema: JSONValue) -> JSONValue {
        ["description": .string(description), "content": ["application/json": ["schema": schema]]]
    }

    /// 431: what every route may answer, before it is routed (nginx's header
    /// size limit, octoai's `--max-headers`).
    /// 422: every validation error (`HTTPValidationError`), or the detail of an
    /// `HTTPError` with status 422 the service threw (`ErrorDetail`).
    static let validationResponse: JSONValue = [
        "description": "Validation Error",
        "content": ["application/json": ["schema": ["anyOf": [JSONSchemaEmitter.ref("HTTPValidationError"), JSONSchemaEmitter.ref("ErrorDetail")]]]],
    ]

    static let headersTooLarge = response("Request headers too many or too large", JSONSchemaEmitter.ref("ErrorDetail"))

    /// What every `POST` endpoint may answer besides its 200 and 422: a form
    /// endpoint's 400 for a body that is not multipart at all, 413 past the body
    /// and content limits, 431, 500, 503 (not running, overloaded), 504 past
    /// `--request-timeout`.
    static func errorResponses(isForm: Bool) -> [(String, JSONValue)] {
        let detail = JSONSchemaEmitter.ref("ErrorDetail")
        var responses: [(String, JSONValue)] = []
        if isForm { responses.append(("400", response("Not a multipart/form-data body", detail))) }
        responses += [
            ("413", response("Request body, a form part or its JSON values over the limits", detail)),
            ("431", headersTooLarge),
            ("500", response("Internal Server Error", detail)),
            ("503", response("Service Unavailable: not running yet, or overloaded", JSONSchemaEmitter.ref("ServiceUnavailable"))),
            ("504", response("Inference timed out (--request-timeout)", detail)),
        ]
        return responses
    }

    static let rootOperation: JSONValue = [
        "summary": "Root",
        "operationId": "root__get",
        "responses": [
            "200": response("Successful Response", JSONSchemaEmitter.ref("RootResponse")),
            "431": headersTooLarge,
        ],
    ]

    static let healthOperation: JSONValue = [
        "summary": "Health Check",
        "operationId": "health_check_healthcheck_get",
        "responses": [
            "200": response("Running", JSONSchemaEmitter.ref("HealthResponse")),
            "431": headersTooLarge,
            "503": response("Not running: `status` is the current lifecycle state", JSONSchemaEmitter.ref("HealthResponse")),
        ],
    ]
}
