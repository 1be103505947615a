/// Where the responder sends validated inference work: the seam between the HTTP
/// contract and the process that owns the model.
///
/// In async mode it is `ModelOwnerClient` (framed IPC to the model owner); in
/// sync mode `InProcessBackend` (the service runs in the responder). Tests can
/// put anything here.
package protocol InferenceBackend: Sendable {
    /// Runs endpoint `endpoint` (index into the service's endpoint list, `/infer`
    /// first) on `input`. Blocks the calling transport thread. A backend that makes
    /// the call wait (a queue, a busy model) drops it, unrun, if `client` hangs up
    /// first (the client went away), and answers ``HTTPResponse/clientClosedRequest``.
    func call(endpoint: Int, input: InferenceInput, client: ClientConnection?) -> InferenceOutcome

    /// Starts streaming endpoint `endpoint` on `input` and waits until it has
    /// started (or was refused): the caller then reads its items. A client gone
    /// before it started drops it, as for ``call(endpoint:input:client:)``.
    func stream(endpoint: Int, input: InferenceInput, client: ClientConnection?) -> StreamStart
}

/// A request body once the responder has validated it, in the form the model's
/// side decodes.
package enum InferenceInput: Sendable {
    /// The normalised JSON body (defaults filled in, lax values coerced).
    case json([UInt8])
    /// A `multipart/form-data` body: its text fields and file descriptors as JSON
    /// (each file `{"offset", "length", "filename", "content_type"}`), and the
    /// request body the descriptors point into, passed on without being copied.
    case form(fields: [UInt8], body: [UInt8])
    /// The body as the client sent it, with its content type, for a model that
    /// validates it itself (a Python service: pydantic decides).
    case raw(contentType: String?, body: [UInt8])
}

/// What came back from the model.
package enum InferenceOutcome: Sendable {
    /// The encoded `Output` and the CPU time the model spent on it.
    case output(json: [UInt8], cpuNanoseconds: UInt64)
    /// An answer to send as is (service error, 500, 503...).
    case failure(HTTPResponse)
}

/// Where the responder reads the lifecycle state from.
package protocol LifecycleStatusSource: Sendable {
    var state: LifecycleState { get }
}

extension SharedStatus: LifecycleStatusSource {}
