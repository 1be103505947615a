"""The parts of the OpenAPI document that do not depend on the service.

The same as ``OpenAPIFixedSchemas.swift``: the built-in routes, and the shapes of
analytics, errors and health answers, so a Python service's document reads like
a Swift one's.
"""

_REF = "#/components/schemas/"

FIXED_COMPONENTS = {
    "ResponseAnalytics": {
        "properties": {
            "inference_time_ms": {"description": "CPU time the model spent on this request, in milliseconds.",
                                  "title": "Inference Time Ms", "type": "number"},
            "performance_time_ms": {"description": "Wall time from receiving the request to the result, queueing included, in milliseconds.",
                                    "title": "Performance Time Ms", "type": "number"},
        },
        "required": ["inference_time_ms", "performance_time_ms"],
        "title": "ResponseAnalytics",
        "type": "object",
    },
    "HTTPValidationError": {
        "properties": {"detail": {"items": {"$ref": _REF + "ValidationError"}, "title": "Detail", "type": "array"}},
        "title": "HTTPValidationError",
        "type": "object",
    },
    "ValidationError": {
        "properties": {
            "loc": {"items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "title": "Location", "type": "array"},
            "msg": {"title": "Message", "type": "string"},
            "type": {"title": "Error Type", "type": "string"},
            "input": {"title": "Input"},
            "ctx": {"title": "Context", "type": "object"},
        },
        "required": ["loc", "msg", "type"],
        "title": "ValidationError",
        "type": "object",
    },
    "ErrorDetail": {
        "properties": {"detail": {"title": "Detail", "type": "string"}},
        "required": ["detail"],
        "title": "ErrorDetail",
        "type": "object",
    },
    "ServiceUnavailable": {
        "description": "`status` (the lifecycle state) while the service is not running; `detail` when it is overloaded.",
        "properties": {"detail": {"title": "Detail", "type": "string"}, "status": {"title": "Status", "type": "string"}},
        "title": "ServiceUnavailable",
        "type": "object",
    },
    "HealthResponse": {
        "properties": {"status": {"title": "Status", "type": "string"}, "async_enable": {"title": "Async Enable", "type": "boolean"}},
        "required": ["status", "async_enable"],
        "title": "HealthResponse",
        "type": "object",
    },
    "RootResponse": {
        "properties": {"docs": {"title": "Docs", "type": "string"}, "openapi": {"title": "Openapi", "type": "string"}},
        "required": ["docs", "openapi"],
        "title": "RootResponse",
        "type": "object",
    },
}


def response(description: str, ref: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


HEADERS_TOO_LARGE = response("Request headers too many or too large", _REF + "ErrorDetail")

ROOT_OPERATION = {
    "summary": "Root",
    "operationId": "root__get",
    "responses": {"200": response("Successful Response", _REF + "RootResponse"), "431": HEADERS_TOO_LARGE},
}

HEALTH_OPERATION = {
    "summary": "Health Check",
    "operationId": "health_check_healthcheck_get",
    "responses": {
        "200": response("Running", _REF + "HealthResponse"),
        "431": HEADERS_TOO_LARGE,
        "503": response("Not running: `status` is the current lifecycle state", _REF + "HealthResponse"),
    },
}


def operation(summary: str, operation_id: str, body_ref: str, form: bool, response_ref: str) -> dict:
    """One endpoint's POST, documented as the Swift server documents it."""
    return {
        "summary": summary,
        "operationId": operation_id,
        "requestBody": {
            "content": {("multipart/form-data" if form else "application/json"): {"schema": {"$ref": body_ref}}},
            "required": True,
        },
        "responses": {
            "200": response("Successful Response", response_ref),
            # FastAPI's 400: a body it cannot read at all (not UTF-8 JSON, not multipart).
            "400": response("A body that cannot be parsed", _REF + "ErrorDetail"),
            "413": response("Request body, a form part or its JSON values over the limits", _REF + "ErrorDetail"),
            "422": validation_response(),
            "431": HEADERS_TOO_LARGE,
            "500": response("Internal Server Error", _REF + "ErrorDetail"),
            "503": response("Service Unavailable: not running yet, or overloaded", _REF + "ServiceUnavailable"),
            "504": response("Inference timed out (--request-timeout)", _REF + "ErrorDetail"),
        },
    }


STREAM_ANALYTICS = {
    "properties": {"analytics": {"$ref": _REF + "ResponseAnalytics"}},
    "required": ["analytics"],
    "title": "StreamAnalytics",
    "type": "object",
}


def stream_operation(summary: str, operation_id: str, body_ref: str, item: dict) -> dict:
    """A streaming endpoint's POST: its 200 is ``text/event-stream`` whose events are
    items, then the analytics (or, after an error, its detail), as the Swift server documents it."""
    document = operation(summary, operation_id, body_ref, False, "")
    json_data = {
        "contentMediaType": "application/json",
        "contentSchema": {"anyOf": [item, {"$ref": _REF + "StreamAnalytics"}, {"$ref": _REF + "ErrorDetail"}]},
        "type": "string",
    }
    event = {
        "properties": {"data": {"anyOf": [json_data, {"const": "[DONE]"}]}, "event": {"type": "string"}},
        "required": ["data"],
        "type": "object",
    }
    document["responses"]["200"] = {
        "description": "A stream of server-sent events, each `data: <item>` as the model produces it; then "
                       '`data: {"analytics": ResponseAnalytics}` (or, after an error, `data: {"detail": ...}`) and `data: [DONE]`.',
        "content": {"text/event-stream": {"schema": event}},
    }
    return document


def validation_response() -> dict:
    """422: pydantic's errors, or the detail of an HTTPException(422) the service raised."""
    schema = {"anyOf": [{"$ref": _REF + "HTTPValidationError"}, {"$ref": _REF + "ErrorDetail"}]}
    return {"description": "Validation Error", "content": {"application/json": {"schema": schema}}}
