/// The answers every inference backend gives the same way, whichever process runs
/// the model (the model owner in async mode, the responder itself in sync mode),
/// so a client cannot tell the modes apart by their errors.
extension HTTPResponse {
    /// 503: the model cannot take the call now (its process died, is restarting,
    /// or has not finished `setup()`); worth retrying shortly.
    package static let modelUnavailable = detail(503, "Model unavailable", headers: [("Retry-After", "1")])
    /// 504: `--request-timeout` passed before the answer was ready.
    package static let inferenceTimedOut = detail(504, "Inference timed out")
    /// 503: `--max-queue` calls already wait for the model.
    package static let overloaded = detail(503, "Overloaded", headers: [("Retry-After", "1")])
}
