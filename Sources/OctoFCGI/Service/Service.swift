/// A model behind an HTTP endpoint: the one protocol a service author conforms to.
///
/// The lifecycle mirrors the Python `octoai.service.Service`: the server creates
/// the value with `init()`, calls ``setup()`` once in the process that owns the model
/// (the model owner in async mode, each responder in sync mode), then calls
/// ``infer(_:)`` for each `POST /infer`. `setup()` is `mutating` so a struct can load
/// its model into plain stored properties; after it returns, the value is frozen and
/// shared, which is why `Service` is `Sendable`.
///
/// ```swift
/// struct Reverse: Service {
///     @Schema struct Input: Codable, Sendable { var text: String; var times: Int = 1 }
///     struct Output: Codable, Sendable { var text: String }
///     func infer(_ input: Input) throws -> Output { .init(text: String(input.text.reversed())) }
/// }
/// ```
public protocol Service: Sendable {
    /// The JSON body of `POST /infer`. Its schema is derived from the type.
    associatedtype Input: Codable & Sendable
    /// The `output` of the `POST /infer` answer.
    associatedtype Output: Codable & Sendable

    /// Creates the service without loading anything heavy (that is `setup()`'s job).
    init()

    /// Loads the model. Runs once per model-owning process, before any request.
    /// Throwing here makes `octoai` exit with status 1 (after `--setup-retries`).
    mutating func setup() async throws

    /// Answers one request. Runs on a dedicated inference thread, never on Swift's
    /// cooperative pool, so blocking, CPU-bound work belongs here; the thread's CPU
    /// time is what `analytics.inference_time_ms` reports.
    ///
    /// Throw ``HTTPError`` to send the client a status and a message; any other error
    /// becomes `500 {"detail":"Internal Server Error"}` and goes to the log.
    func infer(_ input: Input) throws -> Output

    /// Called in the model-owning process after `setup()`, before serving.
    func onServerStartup() async throws

    /// Called in the model-owning process once the server has drained on shutdown.
    func onServerShutdown() async throws

    /// Extra `POST` endpoints besides `/infer`, each with its own input and output types.
    static var endpoints: [Endpoint<Self>] { get }

    /// How many `infer` calls may safely run at once (the upper bound of
    /// `--model-concurrency`, which defaults to 1). Only a service whose `infer`
    /// is safe to call concurrently should answer more than 1.
    static var maxConcurrency: Int { get }

    /// The name `--service-class` selects this service by (the type's name by default).
    static var serviceName: String { get }
}

extension Service {
    public mutating func setup() async throws {}
    public func onServerStartup() async throws {}
    public func onServerShutdown() async throws {}
    public static var endpoints: [Endpoint<Self>] { [] }
    public static var maxConcurrency: Int { 1 }
    public static var serviceName: String { String(describing: Self.self) }
}

/// A service whose model is faster on a batch, as most neural networks are:
/// the model owner groups `/infer` requests that arrive within
/// `--max-batch-delay-ms` into one ``inferBatch(_:)`` call of up to
/// `--max-batch-size`. Each client still gets its own answer; a throw fails every
/// request of the batch. Conforming is the whole declaration: there is no flag
/// beside the method to disagree with it.
public protocol BatchingService: Service {
    /// Answers several `/infer` requests in one call, in order: one output per input.
    func inferBatch(_ inputs: [Input]) throws -> [Output]
}

/// A service that downloads or prepares files its model needs ahead of
/// deployment (`octoai store-assets`; `--check-is-needed` exits 10 for such a
/// service, 11 for any other).
public protocol AssetStoringService: Service {
    /// Stores the assets into the volume (`OCTOAI_VOLUME_PATH`); runs with
    /// `HUGGINGFACE_HUB_CACHE` and `TORCH_HOME` set under it, as the seed sets them.
    func storeAssets() async throws
}
