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

    static func response(_ description: String, _ schema: JSONValue) -> JSONValue {
        ["description": .string(description), "content": ["application/json": ["schema": schema]]]
    }

    static let rootOperation: JSONValue = [
        "summary": "Root",
        "operationId": "root__get",
        "responses": ["200": response("Successful Response", JSONSchemaEmitter.ref("RootResponse"))],
    ]

    static let healthOperation: JSONValue = [
        "summary": "Health Check",
        "operationId": "health_check_healthcheck_get",
        "responses": [
            "200": response("Running", JSONSchemaEmitter.ref("HealthResponse")),
            "503": response("Not running: `status` is the current lifecycle state", JSONSchemaEmitter.ref("HealthResponse")),
        ],
    ]
}
