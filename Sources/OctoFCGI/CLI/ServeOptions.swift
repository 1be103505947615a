import ArgumentParser
import Foundation

/// The serving options of `octoai fcgi`, `scgi` and `run` (one group, so the
/// one-command path reaches every configuration the backend has): they become one
/// ``ServeConfiguration``. Where to listen is ``ListenOptions``.
struct ServeOptions: ParsableArguments {
    @Option(help: "Serve the /docs page (false: 404).")
    var docs: ClickBool = ClickBool(ServeDefaults.docs)

    @Option(help: "Serve Prometheus metrics at /metrics (false: 404).")
    var metrics: ClickBool = ClickBool(ServeDefaults.metrics)

    /// One process by default (``ServeDefaults/workers``); each extra responder
    /// costs ~13 MB RSS.
    @Option(help: "Responder processes (more for sync mode with a CPU-bound model, or for isolation).")
    var workers: Int = ServeDefaults.workers

    @Option(help: "Threads per responder (each serves one nginx connection at a time).")
    var threads: Int = ServeDefaults.threads

    @Option(help: "true: a separate model-owner process runs the model; false: each responder runs it (the seed's sync mode).")
    var asyncEnable: ClickBool = ClickBool(ServeDefaults.asyncEnable)

    @Option(help: "Largest request body in bytes; larger ones get 413 (keep equal to nginx's client_max_body_size).")
    var maxBodySize: Int = ServeDefaults.maxBodySize

    @Option(help: "Most request header lines; more get 431 (nginx bounds their size: large_client_header_buffers).")
    var maxHeaders: Int = ServeDefaults.maxHeaders

    @Option(help: "Most parts in a multipart/form-data body; more get 413.")
    var maxFormParts: Int = ServeDefaults.maxFormParts

    @Option(help: "Largest single part of a multipart/form-data body in bytes (a file or a text field); larger ones get 413.")
    var maxPartSize: Int = ServeDefaults.maxPartSize

    @Option(help: "Most values (scalars, arrays, objects at any depth) in a JSON body; more get 413.")
    var maxJsonValues: Int = ServeDefaults.maxJSONValues

    @Option(help: "Requests that may wait for the model (per responder in sync mode); past it new ones get 503 Overloaded at once (0: no bound).")
    var maxQueue: Int = ServeDefaults.maxQueue

    @Option(help: "Seconds an inference may take; past it the client gets 504, and the process running a call stuck past it (the model owner; the responder in sync mode) is replaced (0: no limit).")
    var requestTimeout: Double = ServeDefaults.requestTimeout

    @Option(help: "Inference calls the model runs at once; more than 1 only for services that declare themselves thread-safe.")
    var modelConcurrency: Int = ServeDefaults.modelConcurrency

    @Option(help: "Largest batch of /infer requests given to a service that batches (1: no batching).")
    var maxBatchSize: Int = ServeDefaults.maxBatchSize

    @Option(help: "Milliseconds the batcher waits for a batch to fill after its first request.")
    var maxBatchDelayMs: Double = ServeDefaults.maxBatchDelayMilliseconds

    @Option(help: "Seconds in-flight requests may take to finish on SIGTERM.")
    var drainTimeout: Double = ServeDefaults.drainTimeout

    @Option(help: "How many times to retry a failing setup() (with backoff) before exiting 1.")
    var setupRetries: Int = ServeDefaults.setupRetries

    @Option(help: "Run the backend's processes under Linux's SCHED_BATCH policy: same CPU share, no wake-up preemption between octoai's own processes (false: the default policy).")
    var schedBatch: ClickBool = ClickBool(ServeDefaults.schedBatch)

    @Option(help: "Seconds the answer of a call posted with X-OctoAI-Async: 1 is kept once it is ready.")
    var futuresTtl: Double = ServeDefaults.futuresTTL

    @Option(help: "Most futures (X-OctoAI-Async calls) kept at once, pending, running or finished; past it new ones get 503.")
    var futuresMaxCount: Int = ServeDefaults.futuresMaxCount

    @Option(help: "Most bytes the futures' inputs and answers may take together; past it new ones get 503.")
    var futuresMaxBytes: Int = ServeDefaults.futuresMaxBytes

    mutating func validate() throws {
        guard workers >= 1, workers <= 256 else { throw ValidationError("--workers must be 1...256") }
        guard threads >= 1, threads <= 1024 else { throw ValidationError("--threads must be 1...1024") }
        guard maxBodySize > 0 else { throw ValidationError("--max-body-size must be positive") }
        guard maxHeaders >= 1 else { throw ValidationError("--max-headers must be >= 1") }
        guard maxFormParts >= 1 else { throw ValidationError("--max-form-parts must be >= 1") }
        guard maxPartSize >= 1 else { throw ValidationError("--max-part-size must be >= 1") }
        guard maxJsonValues >= 1 else { throw ValidationError("--max-json-values must be >= 1") }
        guard drainTimeout >= 0 else { throw ValidationError("--drain-timeout must be >= 0") }
        guard maxBatchSize >= 1, maxBatchSize <= 4096 else { throw ValidationError("--max-batch-size must be 1...4096") }
        guard maxBatchDelayMs >= 0, maxBatchDelayMs <= 10_000 else { throw ValidationError("--max-batch-delay-ms must be 0...10000") }
        guard maxQueue >= 0 else { throw ValidationError("--max-queue must be >= 0") }
        guard requestTimeout >= 0 else { throw ValidationError("--request-timeout must be >= 0") }
        guard setupRetries >= 0 else { throw ValidationError("--setup-retries must be >= 0") }
        guard modelConcurrency >= 1 else { throw ValidationError("--model-concurrency must be >= 1") }
        guard futuresTtl > 0 else { throw ValidationError("--futures-ttl must be positive") }
        guard futuresMaxCount >= 1, futuresMaxBytes >= 1 else { throw ValidationError("--futures-max-count and --futures-max-bytes must be >= 1") }
    }

    /// The configuration for `service`, listening at `endpoint`. Fails on what
    /// depends on the service: more concurrency than it allows.
    func configuration(endpoint: ServeConfiguration.Endpoint, transport: TransportKind, service: ServiceChoice, globals: GlobalOptions) throws -> ServeConfiguration {
        switch service {
        case let .described(service): return try configuration(endpoint: endpoint, transport: transport, service: service, globals: globals)
        case let .describedByOwner(python):
            // The module stands for the class's name, and the concurrency it allows is
            // checked, once the owner has described it (Supervisor+Describe.swift).
            return try configuration(endpoint: endpoint, transport: transport, name: python.module, python: python, globals: globals)
        }
    }

    func configuration(endpoint: ServeConfiguration.Endpoint, transport: TransportKind, service: ServiceDescriptor, globals: GlobalOptions) throws -> ServeConfiguration {
        if let refusal = service.concurrencyRefusal(modelConcurrency) { throw ValidationError(refusal) }
        return try configuration(endpoint: endpoint, transport: transport, name: service.name, python: service.python, globals: globals)
    }

    private func configuration(
        endpoint: ServeConfiguration.Endpoint, transport: TransportKind, name: String, python: PythonModule?, globals: GlobalOptions
    ) throws -> ServeConfiguration {
        if python != nil, !asyncEnable.value {
            throw ConfigurationError(
                "--async-enable false: \(name) is a Python service, whose model runs in its own Python process (the model owner); the responders are Swift and never load Python, so there is no sync mode for it. Leave --async-enable true.")
        }
        var config = ServeConfiguration(endpoint: endpoint, service: name)
        config.python = python
        config.transport = transport
        config.logLevel = globals.resolvedLogLevel
        config.workers = workers
        config.threads = threads
        config.asyncEnable = asyncEnable.value
        config.maxBodySize = maxBodySize
        config.maxHeaders = maxHeaders
        config.contentLimits = ContentLimits(maxFormParts: maxFormParts, maxPartSize: maxPartSize, maxJSONValues: maxJsonValues)
        config.maxQueue = maxQueue
        config.requestTimeout = requestTimeout
        config.modelConcurrency = modelConcurrency
        config.schedBatch = schedBatch.value
        config.maxBatchSize = maxBatchSize
        config.maxBatchDelayMilliseconds = maxBatchDelayMs
        config.drainTimeout = drainTimeout
        config.setupRetries = setupRetries
        config.docs = docs.value
        config.metrics = metrics.value
        config.futuresTTL = futuresTtl
        config.futuresMaxCount = futuresMaxCount
        config.futuresMaxBytes = futuresMaxBytes
        return config
    }
}
