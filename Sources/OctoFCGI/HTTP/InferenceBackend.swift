/// Where the responder sends validated inference work: the seam between the HTTP
/// contract and the process that owns the model.
///
/// In async mode it is ``ModelOwnerClient`` (framed IPC to the model owner); in
/// sync mode ``InProcessBackend`` (the service runs in the responder). Tests can
/// put anything here.
public protocol InferenceBackend: Sendable {
    /// Runs endpoint `endpoint` (index into the service's endpoint list, `/infer`
    /// first) on `input`, the normalised JSON body. Blocks the calling transport thread.
    func call(endpoint: Int, input: [UInt8]) -> InferenceOutcome

    /// The same with the input in two pieces (a form's head, then the request
    /// body its files point into), so a transport can send an upload without
    /// first copying it into one buffer.
    func call(endpoint: Int, head: [UInt8], tail: [UInt8]) -> InferenceOutcome

    /// The same for a request that arrived on `client`: a backend that makes the
    /// call wait (a queue, a busy model) drops it, unrun, if that connection
    /// hangs up first (the client went away), and answers ``HTTPResponse/clientClosedRequest``.
    func call(endpoint: Int, head: [UInt8], tail: [UInt8], client: ClientConnection?) -> InferenceOutcome
}

extension InferenceBackend {
    public func call(endpoint: Int, head: [UInt8], tail: [UInt8]) -> InferenceOutcome {
        call(endpoint: endpoint, input: tail.isEmpty ? head : head + tail)
    }

    public func call(endpoint: Int, head: [UInt8], tail: [UInt8], client: ClientConnection?) -> InferenceOutcome {
        call(endpoint: endpoint, head: head, tail: tail)
    }
}


/// What came back from the model.
public enum InferenceOutcome: Sendable {
    /// The encoded `Output` and the CPU time the model spent on it.
    case output(json: [UInt8], cpuNanoseconds: UInt64)
    /// An answer to send as is (service error, 500, 503...).
    case failure(HTTPResponse)
}

/// Where the responder reads the lifecycle state from.
public protocol LifecycleStatusSource: Sendable {
    var state: LifecycleState { get }
}

extension SharedStatus: LifecycleStatusSource {}
