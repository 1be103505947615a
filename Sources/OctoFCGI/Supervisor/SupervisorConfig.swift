/// How `octoai fcgi` / `octoai scgi` was asked to run.
public struct SupervisorConfig: Sendable {
    /// Where nginx connects: a Unix-domain socket path, or `HOST:PORT` with `--listen`.
    public enum Endpoint: Sendable, Equatable {
        case unix(path: String, mode: UInt32)
        case tcp(host: String, port: UInt16)
    }

    public var endpoint: Endpoint
    public var transport: String = "fastcgi"
    public var workers: Int
    public var threads: Int
    public var asyncEnable: Bool
    public var maxBodySize: Int
    public var drainTimeout: Double
    public var setupRetries: Int
    public var logLevel: String
    /// Calls that may wait for the model owner (in sync mode, per responder) before new ones get 503 Overloaded (0: no bound).
    public var maxQueue: Int = ServeDefaults.maxQueue
    /// Seconds an inference may take before its client gets 504 (0: no limit); a process
    /// stuck in a call past it (model owner, or responder in sync mode) is replaced.
    public var requestTimeout: Double = 0
    /// Calls the model runs at once (at most the service's `maxConcurrency`).
    public var modelConcurrency: Int = 1
    /// Group given the socket file (`--socket-group`), nil to leave it as created.
    public var socketGroup: String?
    /// Whether `/docs` is served (`--docs false` answers it 404).
    public var docs = true
    /// Whether `/metrics` is served (`--metrics false` answers it 404).
    public var metrics = true
    /// Largest `inferBatch` call for services that batch (1: no batching).
    public var maxBatchSize: Int = ServeDefaults.maxBatchSize
    /// How long the batcher waits for a batch to fill after its first request.
    public var maxBatchDelayMilliseconds: Double = ServeDefaults.maxBatchDelayMilliseconds
    /// Request header lines before 431 (`--max-headers`).
    public var maxHeaders: Int = ServeDefaults.maxHeaders
    /// Form parts, part size and JSON values (`--max-form-parts`, `--max-part-size`, `--max-json-values`).
    public var contentLimits: ContentLimits = .default

    public init(endpoint: Endpoint, workers: Int, threads: Int, asyncEnable: Bool, maxBodySize: Int, drainTimeout: Double, setupRetries: Int, logLevel: String) {
        self.endpoint = endpoint
        self.workers = max(1, workers)
        self.threads = max(1, threads)
        self.asyncEnable = asyncEnable
        self.maxBodySize = maxBodySize
        self.drainTimeout = drainTimeout
        self.setupRetries = max(0, setupRetries)
        self.logLevel = logLevel
    }
}
