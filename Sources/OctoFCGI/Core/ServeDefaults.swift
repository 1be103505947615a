/// Every serving default, defined once: the command line's option defaults, the
/// configuration's initial values and the rendered nginx configurations read them here.
public enum ServeDefaults {
    /// Largest request body (`--max-body-size`, nginx's `client_max_body_size`):
    /// room for the uploads a form endpoint takes, a bound on what one request costs.
    public static let maxBodySize = 64 << 20
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
    public static let maxPartSize = maxBodySize
    /// Values in a JSON body: a million keeps a parsed body to tens of MB.
    public static let maxJSONValues = 1_000_000
}
