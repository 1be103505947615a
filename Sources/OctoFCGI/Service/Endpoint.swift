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
    package let path: String
    /// Prefix of the OpenAPI component names (`Tokenize` → `TokenizeInput`).
    package let componentPrefix: String
    let inputSchema: SchemaNode
    let outputSchema: SchemaNode
    /// Whether the body is `multipart/form-data` (see ``form(_:_:)``).
    package let isForm: Bool
    /// Whether the answer is a stream of items (see ``stream(_:_:)``).
    package let isStream: Bool
    /// Decodes a body into a call of the method; see ``PreparedCall``. A form's
    /// files come in the body or, read apart from it, as ``FormPayload/Files``.
    /// A stream's call sends its items through the emitter it is given and encodes nothing.
    let prepare: @Sendable (S, [UInt8], FormPayload.Files?, _ emit: @escaping @Sendable ([UInt8]) -> Bool) throws -> PreparedCall

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

    /// Declares a streaming `POST path` answered by `method`, which sends its items
    /// through a ``StreamSink`` as it produces them, e.g. `.stream("/generate",
    /// Self.generate)`. The answer is `text/event-stream`: one `data: <item>` event
    /// per item, a last `data: {"analytics": ...}` event, then `data: [DONE]`
    /// (CONTRACT §8). The OpenAPI document gives `Item`'s schema for the events.
    public static func stream<I: Codable & Sendable, Item: Codable & Sendable>(
        _ path: String, _ method: @escaping @Sendable (S) -> (I, StreamSink<Item>) throws -> Void
    ) -> Endpoint {
        Endpoint(path: path, componentPrefix: componentPrefix(for: path), input: I.self, output: Item.self, isForm: false, isStream: true) {
            service, body, _, emit in
            let input = try InputDecoder.decode(I.self, from: body)
            return PreparedCall {
                try method(service)(input, StreamSink(emit: emit))
                return { [] }
            }
        }
    }

    init<I: Codable & Sendable, O: Codable & Sendable>(
        path: String, componentPrefix: String, isForm: Bool, method: @escaping @Sendable (S) -> (I) throws -> O
    ) {
        self.init(path: path, componentPrefix: componentPrefix, input: I.self, output: O.self, isForm: isForm, isStream: false) { service, body, files, _ in
            let input = isForm ? try FormPayload.decode(I.self, from: body, files: files) : try InputDecoder.decode(I.self, from: body)
            return PreparedCall {
                let output = try method(service)(input)
                return { try OutputEncoder.encode(output) }
            }
        }
    }

    private init<I: Decodable, O: Decodable>(
        path: String, componentPrefix: String, input: I.Type, output: O.Type, isForm: Bool, isStream: Bool,
        prepare: @escaping @Sendable (S, [UInt8], FormPayload.Files?, _ emit: @escaping @Sendable ([UInt8]) -> Bool) throws -> PreparedCall
    ) {
        self.path = path
        self.componentPrefix = componentPrefix
        self.isForm = isForm
        self.isStream = isStream
        self.inputSchema = SchemaProbe.schema(of: I.self)
        self.outputSchema = SchemaProbe.schema(of: O.self)
        self.prepare = prepare
    }

    /// `/tokenize` → `Tokenize`, `/embed-text` → `EmbedText`, `/v1/chat` → `V1Chat`.
    static func componentPrefix(for path: String) -> String {
        path.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }
}

/// Decodes a call's JSON input (the responder's normalised body): through
/// ``JSONValueDecoder`` over our own parse where that is Foundation's answer,
/// else with Foundation's `JSONDecoder`, whose value or error then stands.
/// A body that gives a key twice goes to Foundation too: our parse keeps the
/// last value (as Python's `json` does), Foundation's decoder the first.
enum InputDecoder {
    static func decode<I: Decodable>(_ type: I.Type, from body: [UInt8]) throws -> I {
        if let (tree, repeats) = try? JSONParser.parseNotingRepeats(body), !repeats,
            let input = try? JSONValueDecoder.decode(I.self, from: tree)
        {
            return input
        }
        return try JSONDecoder().decode(I.self, from: Data(body))
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

/// One call with its input decoded, in the steps that need the model and those
/// that do not: ``run`` calls the service method and returns the encoder of its
/// output.
///
/// Why split: where calls take turns on the model (sync mode's slots, one call
/// at a time by default), only the method needs the turn. Decoding and encoding
/// the JSON took longer than EchoService's `infer` itself, and doing them while
/// holding the turn made 16 threads queue (and sleep and wake) for it.
struct PreparedCall: Sendable {
    /// Encodes the method's output as JSON.
    typealias Encode = @Sendable () throws -> [UInt8]
    /// Runs the method; the closure it returns encodes the output as JSON.
    let run: @Sendable () throws -> Encode

    /// Every step in a row, for callers with nothing to take turns on.
    func callAndEncode() throws -> [UInt8] { try run()() }
}
