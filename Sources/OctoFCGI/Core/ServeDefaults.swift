/// Every serving default, defined once: the command line's option defaults, the
/// configuration's initial values and the rendered nginx configurations read them here.
package enum ServeDefaults {
    /// Largest request body (`--max-body-size`, nginx's `client_max_body_size`):
    /// room for the uploads a form endpoint takes, a bound on what one request costs.
    package static let maxBodySize = 64 << 20
    /// Responder processes: one, whose threads serve as many requests as two
    /// half-size processes did (bench/RESULTS.md), for one process's memory.
    package static let workers = 1
    /// Threads per responder.
    package static let threads = 16
    /// Enough to absorb bursts at the default 1 x 16 threads, small enough that a
    /// queued request does not wait minutes behind a slow model.
    package static let maxQueue = 128
    /// Large enough for BLAS to reach its speed, small enough to keep one batch's latency low.
    package static let maxBatchSize = 32
    /// A lone request pays at most this; a burst fills batches well before it.
    package static let maxBatchDelayMilliseconds = 2.0
    /// Request header lines (nginx forwards each as an `HTTP_*` param): browsers
    /// and API clients send 10 to 30; past 100 the request is refused with 431.
    /// nginx bounds their total size (deploy/nginx.conf's `large_client_header_buffers`) but not their number.
    package static let maxHeaders = 100
    /// Parts of a `multipart/form-data` body: far more than any form endpoint
    /// has fields, few enough that a body of empty parts costs little.
    package static let maxFormParts = 64
    /// One part of a form: by default as large as a whole body may be
    /// (`--max-body-size`); lower it to bound single files or text fields.
    package static let maxPartSize = maxBodySize
    /// Values in a JSON body: a million keeps a parsed body to tens of MB.
    package static let maxJSONValues = 1_000_000
    /// Permissions of the socket file: nginx's user, in the socket's group, can connect.
    package static let socketMode: UInt32 = 0o660
    /// A separate model-owner process runs the model (false: the seed's sync mode).
    package static let asyncEnable = true
    /// Seconds an inference may take before 504 (0: no limit, as the seed).
    package static let requestTimeout = 0.0
    /// Calls the model runs at once: one, since a service is only safe for more
    /// when it says so (`Service.maxConcurrency`).
    package static let modelConcurrency = 1
    /// Run the backend under `SCHED_BATCH` (``SchedulingPolicy``).
    package static let schedBatch = true
    /// Seconds in-flight requests may take to finish on SIGTERM.
    package static let drainTimeout = 30.0
    /// A failing `setup()` exits at once, as the seed does.
    package static let setupRetries = 0
    /// `/docs` and `/metrics` are served.
    package static let docs = true
    package static let metrics = true
    /// The client keep-alive `octoai run`'s nginx grants (the seed's uvicorn `--timeout-keep-alive`).
    package static let keepAliveTimeout = 900
    /// `octoai run`'s HTTP port.
    package static let port = 8080
    /// Seconds a finished future's answer is kept (`X-OctoAI-Async: 1`): long
    /// enough for a client polling every few seconds, short enough to forget.
    package static let futuresTTL = 600.0
    /// Futures kept at once (pending, running and finished), and the bytes their
    /// inputs and answers may take together; past either, new ones get 503.
    package static let futuresMaxCount = 10_000
    package static let futuresMaxBytes = 256 << 20
}
