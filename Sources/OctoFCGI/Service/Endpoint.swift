import Foundation

/// A `POST` route of a service: a path, its input and output types, and the
/// method that answers it.
///
/// ```swift
/// static var endpoints: [Endpoint<Self>] { [.post("/tokenize", Self.tokenize)] }
/// ```
/// The input is validated against its derived schema in the responder, the call
/// runs in the model owner, and the answer has the same
/// `{"output", "analytics"}` shape as `/infer`.
public struct Endpoint<S: Service>: Sendable {
    /// The route, e.g. `/tokenize`.
    public let path: String
    /// Prefix of the OpenAPI component names (`Tokenize` → `TokenizeInput`).
    public let componentPrefix: String
    let inputSchema: SchemaNode
    let outputSchema: SchemaNode
    /// Whether the body is `multipart/form-data` (see ``form(_:_:)``).
    public let isForm: Bool
    let call: @Sendable (S, [UInt8]) throws -> [UInt8]

    /// Declares `POST path` answered by `method`, e.g. `.post("/tokenize", Self.tokenize)`.
    public static func post<I: Codable & Sendable, O: Codable & Sendable>(
        _ path: String, _ method: @escaping @Sendable (S) -> (I) throws -> O
    ) -> Endpoint {
        Endpoint(path: path, componentPrefix: Endpoint.componentPrefix(for: path), isForm: false, method: method)
    }

    /// Declares the service's `multipart/form-data` endpoint (at most one per
    /// service): `I` has ``FormFile`` fields for file parts and plain fields for
    /// text parts, e.g. `.form("/upload", Self.upload)`.
    public static func form<I: Codable & Sendable, O: Codable & Sendable>(
        _ path: String, _ method: @escaping @Sendable (S) -> (I) throws -> O
    ) -> Endpoint {
        Endpoint(path: path, componentPrefix: Endpoint.componentPrefix(for: path), isForm: true, method: method)
    }

    init<I: Codable & Sendable, O: Codable & Sendable>(
        path: String, componentPrefix: String, isForm: Bool, method: @escaping @Sendable (S) -> (I) throws -> O
    ) {
        self.path = path
        self.componentPrefix = componentPrefix
        self.isForm = isForm
        self.inputSchema = SchemaProbe.schema(of: I.self)
        self.outputSchema = SchemaProbe.schema(of: O.self)
        self.call = { service, body in
            let input = isForm ? try FormPayload.decode(I.self, from: body) : try JSONDecoder().decode(I.self, from: Data(body))
            let output = try method(service)(input)
            return try OutputEncoder.encode(output)
        }
    }

    /// `/tokenize` → `Tokenize`, `/embed-text` → `EmbedText`, `/v1/chat` → `V1Chat`.
    static func componentPrefix(for path: String) -> String {
        path.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }
}

/// Encodes a service's output; a failure here is an internal error (500), like any other.
enum OutputEncoder {
    /// One configured encoder for the process: `encode` keeps no state between
    /// calls, and building one per call showed up in profiles.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    static func encode<O: Encodable>(_ value: O) throws -> [UInt8] {
        Array(try encoder.encode(value))
    }
}
