import Foundation

/// What the Python host's `describe` says about a service (`description.json`;
/// `README.md` beside this file has its fields), read into the descriptor the
/// rest of octoai serves it through. The schemas are pydantic's, in the OpenAPI
/// document the host built; the responders route by the endpoints' paths and
/// leave validation to pydantic in the model owner.
enum PythonServiceDescription {
    /// The descriptor of the service `python` describes; fails when the
    /// description is missing or not what the host writes.
    static func load(_ python: PythonModule) throws -> ServiceDescriptor {
        guard let data = FileManager.default.contents(atPath: python.descriptionPath),
            let description = try? JSONParser.parse(Array(data))
        else { throw PythonHost.Failure(description: "the Python host wrote no description at \(python.descriptionPath)") }
        return try descriptor(description, python)
    }

    static func descriptor(_ description: JSONValue, _ python: PythonModule) throws -> ServiceDescriptor {
        guard case let .string(name)? = description["service_class"], case let .array(items)? = description["endpoints"],
            let document = description["openapi"], case .object = document
        else { throw PythonHost.Failure(description: "the Python host's description of \(python.module) is malformed") }
        var endpoints: [EndpointInfo] = []
        for item in items {
            guard case let .string(path)? = item["path"], case let .string(prefix)? = item["component_prefix"], case let .bool(form)? = item["form"] else {
                throw PythonHost.Failure(description: "the Python host's description of \(python.module) has a malformed endpoint")
            }
            // pydantic validates (and its schemas are in `document`): nothing for the responder to check.
            endpoints.append(EndpointInfo(path: path, componentPrefix: prefix, input: .any, output: .any, isForm: form, isStream: item["stream"] == .bool(true)))
        }
        guard endpoints.first?.path == "/infer" else { throw PythonHost.Failure(description: "\(name) has no /infer endpoint") }
        var api = APIDescription(title: name, endpoints: endpoints)
        api.validatesInResponder = false
        let concurrency: Int
        if case let .int(n)? = description["max_concurrency"] { concurrency = Int(n) } else { concurrency = 1 }
        return try ServiceDescriptor(
            name: name, storesAssets: description["stores_assets"] == .bool(true), maxConcurrency: concurrency,
            batchesInference: description["batching"] == .bool(true), api: api, document: document, kind: .python(python))
    }
}
