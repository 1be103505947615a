/// Builds the OpenAPI 3.1 document of CONTRACT §5 from an ``APIDescription``.
///
/// The document is a pure function of the description (ordered keys, sorted
/// components), so `octoai api-schema` and `GET /openapi.json` are byte-identical
/// and diffs between versions show only real changes.
package enum OpenAPIGenerator {
    /// The whole document: `/`, `/healthcheck`, then each endpoint's `POST`.
    package static func document(for api: APIDescription) -> JSONValue {
        var emitter = JSONSchemaEmitter()
        for (name, schema) in OpenAPIFixedSchemas.all { emitter.addFixed(name, schema) }
        let names = reserveNames(api.endpoints, in: &emitter)
        var paths: [(String, JSONValue)] = [
            ("/", ["get": OpenAPIFixedSchemas.rootOperation]),
            ("/healthcheck", ["get": OpenAPIFixedSchemas.healthOperation]),
        ]
        for (endpoint, name) in zip(api.endpoints, names) {
            paths.append((endpoint.path, ["post": operation(endpoint, names: name, emitter: &emitter)]))
        }
        let schemas = emitter.components.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return [
            "openapi": "3.1.0",
            "info": ["title": .string(api.title), "version": .string(api.version)],
            "paths": .object(paths),
            "components": ["schemas": .object(schemas)],
        ]
    }

    /// Component names of one endpoint's body, answer and wrapper.
    struct EndpointNames {
        var input: String
        var output: String
        var response: String
    }

    /// `Input`/`Output` for `/infer`, `TokenizeInput`/`TokenizeOutput` for
    /// `/tokenize`, claimed before any nested type can take them.
    static func reserveNames(_ endpoints: [EndpointInfo], in emitter: inout JSONSchemaEmitter) -> [EndpointNames] {
        var response = Set<String>()
        return endpoints.map { endpoint in
            let prefix = endpoint.componentPrefix
            // A form body is named as FastAPI names it: `Body_<operationId>`.
            let inputName = endpoint.isForm ? "Body_" + operationID(endpoint.path) : prefix + "Input"
            // A stream's events are its items: `StreamItem` for `/stream`.
            var names = EndpointNames(input: inputName, output: prefix + (endpoint.isStream ? "Item" : "Output"), response: prefix + "Response")
            if case let .object(object) = endpoint.input { names.input = emitter.reserve(object, as: names.input) }
            if case let .object(object) = endpoint.output { names.output = emitter.reserve(object, as: names.output) }
            var candidate = JSONSchemaEmitter.sanitize(names.response)
            var counter = 2
            while response.contains(candidate) || OpenAPIFixedSchemas.names.contains(candidate) {
                candidate = JSONSchemaEmitter.sanitize(names.response) + String(counter)
                counter += 1
            }
            response.insert(candidate)
            names.response = candidate
            return names
        }
    }

    static func operation(_ endpoint: EndpointInfo, names: EndpointNames, emitter: inout JSONSchemaEmitter) -> JSONValue {
        let inputSchema = bodySchema(endpoint.input, named: names.input, emitter: &emitter)
        if endpoint.isForm, case let .object(form) = endpoint.input {
            // FastAPI takes an empty form field as one not sent: a required one is not empty.
            emitter.requireNonEmpty(form.fields.filter { $0.required && $0.schema == .string }.map(\.name), in: names.input)
        }
        let outputSchema = bodySchema(endpoint.output, named: names.output, emitter: &emitter)
        let success: JSONValue
        if endpoint.isStream {
            emitter.addFixed("StreamAnalytics", OpenAPIFixedSchemas.streamAnalytics)
            success = streamResponse(item: outputSchema)
        } else {
            emitter.addFixed(names.response, responseSchema(output: outputSchema, title: names.response))
            success = OpenAPIFixedSchemas.response("Successful Response", JSONSchemaEmitter.ref(names.response))
        }
        let word = operationWord(endpoint.path)
        return [
            "summary": .string(JSONSchemaEmitter.title(word)),
            "operationId": .string(operationID(endpoint.path)),
            "requestBody": [
                "content": .object([(endpoint.isForm ? "multipart/form-data" : "application/json", ["schema": inputSchema])]),
                "required": true,
            ],
            "responses": .object(
                ([
                    ("200", success),
                    ("422", OpenAPIFixedSchemas.validationResponse),
                ] + OpenAPIFixedSchemas.errorResponses(isForm: endpoint.isForm)).sorted { $0.0 < $1.0 }),
        ]
    }

    /// A `$ref` to the named component for objects; an inline schema otherwise.
    static func bodySchema(_ node: SchemaNode, named name: String, emitter: inout JSONSchemaEmitter) -> JSONValue {
        guard case let .object(object) = node else {
            guard case var .object(fields) = emitter.schema(node) else { return emitter.schema(node) }
            if !JSONSchemaEmitter.isReference(node) { fields.append(("title", .string(name))) }
            return .object(fields.sorted { $0.0 < $1.0 })
        }
        return JSONSchemaEmitter.ref(emitter.component(for: object))
    }

    /// A streaming endpoint's 200: `text/event-stream`, whose schema is one event's
    /// (OpenAPI 3.2's `itemSchema` convention, which schema-driven clients check event
    /// by event): `data` is JSON, an item, then the analytics (or, after an error,
    /// its detail), and last the text `[DONE]`.
    static func streamResponse(item: JSONValue) -> JSONValue {
        let json: JSONValue = [
            "contentMediaType": "application/json",
            "contentSchema": ["anyOf": [item, JSONSchemaEmitter.ref("StreamAnalytics"), JSONSchemaEmitter.ref("ErrorDetail")]],
            "type": "string",
        ]
        let event: JSONValue = [
            "properties": ["data": ["anyOf": [json, ["const": "[DONE]"]]], "event": ["type": "string"]],
            "required": ["data"],
            "type": "object",
        ]
        return [
            "description":
                "A stream of server-sent events, each `data: <item>` as the model produces it; then `data: {\"analytics\": ResponseAnalytics}` (or, after an error, `data: {\"detail\": ...}`) and `data: [DONE]`.",
            "content": ["text/event-stream": ["schema": event]],
        ]
    }

    /// `{"output": <Output>, "analytics": ResponseAnalytics}`, the answer of every other endpoint.
    static func responseSchema(output: JSONValue, title: String) -> JSONValue {
        [
            "properties": [
                "output": output,
                "analytics": JSONSchemaEmitter.ref("ResponseAnalytics"),
            ],
            "required": ["output", "analytics"],
            "title": .string(title),
            "type": "object",
        ]
    }

    /// FastAPI's operation id: `infer_infer_post`.
    static func operationID(_ path: String) -> String {
        "\(operationWord(path))\(operationPath(path))_post"
    }

    /// `/infer` → `infer`, `/v1/chat` → `v1_chat`: FastAPI's route name.
    static func operationWord(_ path: String) -> String {
        let words = path.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return words.isEmpty ? "root" : words.joined(separator: "_")
    }

    /// FastAPI's `re.sub(r"\W", "_", path)` part of an operation id.
    static func operationPath(_ path: String) -> String {
        String(path.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    }
}
