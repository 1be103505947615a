/// How a backend was asked to serve (`octoai fcgi`, `scgi`, `run`): one typed value,
/// built once from the command line, and handed as it is to the supervisor and,
/// inside ``ChildConfig``, to every child. Each initial value is its default from
/// ``ServeDefaults``, the one place defaults are defined.
package struct ServeConfiguration: Codable, Sendable, Equatable {
    /// Where nginx connects: a Unix-domain socket, or `HOST:PORT` with `--listen`.
    package enum Endpoint: Codable, Sendable, Equatable {
        case unix(path: String, mode: UInt32)
        case tcp(host: String, port: UInt16)
    }

    package var endpoint: Endpoint
    /// The service `--service-class` selected (its ``ServiceDescriptor/name``).
    package var service: String
    /// For a Python service (`--service-module`): the interpreter that owns the
    /// model, and where the responders read the service's description.
    package var python: PythonModule?
    package var transport: TransportKind = .fastcgi
    /// Group given the socket file (`--socket-group`), nil to leave it as created.
    package var socketGroup: String?
    package var logLevel: LogLevel = .info
    /// Responder processes and threads per responder.
    package var workers = ServeDefaults.workers
    package var threads = ServeDefaults.threads
    /// A separate model owner (false: each responder runs the model, the seed's sync mode).
    package var asyncEnable = ServeDefaults.asyncEnable
    /// Largest request body (413 past it) and most header lines (431 past them).
    package var maxBodySize = ServeDefaults.maxBodySize
    package var maxHeaders = ServeDefaults.maxHeaders
    /// Form parts, part size and JSON values (`--max-form-parts`, `--max-part-size`, `--max-json-values`).
    package var contentLimits = ContentLimits.default
    /// Calls that may wait for the model (in sync mode, per responder) before new
    /// ones get 503 Overloaded (0: no bound).
    package var maxQueue = ServeDefaults.maxQueue
    /// Seconds an inference may take before its client gets 504 (0: no limit); a
    /// process stuck in a call past it (model owner, or responder in sync mode) is replaced.
    package var requestTimeout = ServeDefaults.requestTimeout
    /// Calls the model runs at once (at most the service's `maxConcurrency`).
    package var modelConcurrency = ServeDefaults.modelConcurrency
    /// `--sched-batch`: the backend's processes run under `SCHED_BATCH` (no wake-up preemption between them).
    package var schedBatch = ServeDefaults.schedBatch
    /// Largest `inferBatch` call for services that batch (1: no batching), and how
    /// long the batcher waits for a batch to fill after its first request.
    package var maxBatchSize = ServeDefaults.maxBatchSize
    package var maxBatchDelayMilliseconds = ServeDefaults.maxBatchDelayMilliseconds
    /// Seconds in-flight requests may take to finish on SIGTERM.
    package var drainTimeout = ServeDefaults.drainTimeout
    /// Times a failing `setup()` is retried (with backoff) before exiting 1.
    package var setupRetries = ServeDefaults.setupRetries
    /// Whether `/docs` and `/metrics` are served (false: 404).
    package var docs = ServeDefaults.docs
    package var metrics = ServeDefaults.metrics
    /// Long-running inference (`X-OctoAI-Async: 1`): how long answers are kept, and how many and how large.
    package var futuresTTL = ServeDefaults.futuresTTL
    package var futuresMaxCount = ServeDefaults.futuresMaxCount
    package var futuresMaxBytes = ServeDefaults.futuresMaxBytes

    package init(endpoint: Endpoint, service: String) {
        self.endpoint = endpoint
        self.service = service
    }

    /// What the transport checks before it reads a body.
    var transportLimits: TransportLimits { TransportLimits(maxBodySize: maxBodySize, maxHeaders: maxHeaders) }

    /// ``maxBatchDelayMilliseconds`` in seconds, as the batcher takes it.
    var maxBatchDelay: Double { maxBatchDelayMilliseconds / 1000 }
}
