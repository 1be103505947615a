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

/// Defaults shared by the CLI and the library.
public enum ServeDefaults {
    /// Responder processes: one, whose threads serve as many requests as two
    /// half-size processes did (bench/RESULTS.md), for one process's memory.
    public static let workers = 1
    /// Threads per responder.
    public static let threads = 16
    /// Enough to absorb bursts at the default 1 x 16 threads, small enough that a
    /// queued request does not wait minutes behind a slow model.
    public static let maxQueue = 128
    /// Large enough for BLAS to reach its speed, small enough to keep one batch's latency low.
    public static let maxBatchSize = 32
    /// A lone request pays at most this; a burst fills batches well before it.
    public static let maxBatchDelayMilliseconds = 2.0
    /// Request header lines (nginx forwards each as an `HTTP_*` param): browsers
    /// and API clients send 10 to 30; past 100 the request is refused with 431.
    /// nginx bounds their total size (deploy/nginx.conf's `large_client_header_buffers`) but not their number.
    public static let maxHeaders = 100
    /// Parts of a `multipart/form-data` body: far more than any form endpoint
    /// has fields, few enough that a body of empty parts costs little.
    public static let maxFormParts = 64
    /// One part of a form: by default as large as a whole body may be
    /// (`--max-body-size`); lower it to bound single files or text fields.
    public static let maxPartSize = NginxConfig.defaultMaxBodySize
    /// Values in a JSON body: a million keeps a parsed body to tens of MB.
    public static let maxJSONValues = 1_000_000
}
