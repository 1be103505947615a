import Logging

/// Runs one call on a service instance and turns whatever happens into an
/// answer: the output with its CPU time, the service's own ``HTTPError``, or a
/// generic 500 whose real cause goes to the log with the request id only.
struct InferenceRunner: Sendable {
    let host: any ServiceHosting
    let logger: Logger

    enum Result {
        case output([UInt8], cpuNanoseconds: UInt64)
        /// A streaming call returned, its items all sent.
        case streamEnd(cpuNanoseconds: UInt64)
        /// The service's ``HTTPError`` (its headers too), or a generic 500.
        case error(status: Int, detail: String, headers: [(name: String, value: String)] = [])
    }

    /// Runs a streaming call: each item goes out through `emit` as the method
    /// yields it. A method that stops because its client went away (the
    /// ``StreamCancelled`` its sink threw) ends as 499: nobody reads the answer.
    func stream(endpoint: Int, input: [UInt8], requestID: UInt64, emit: @escaping @Sendable ([UInt8]) -> Bool) -> Result {
        let start = MonotonicClock.threadCPUNanoseconds()
        do {
            _ = try host.prepare(endpoint: endpoint, input: input, files: nil, emit: emit).run()
            return .streamEnd(cpuNanoseconds: MonotonicClock.threadCPUNanoseconds() &- start)
        } catch is StreamCancelled {
            logger.debug("request \(String(requestID, radix: 16)) stopped: its client went away")
            return .error(status: 499, detail: "Client closed request")
        } catch {
            return failure(error, requestID: requestID)
        }
    }

    /// Runs one call; a form's `files`, when read apart from its head `input`.
    func run(endpoint: Int, input: [UInt8], files: FormPayload.Files? = nil, requestID: UInt64) -> Result {
        let start = MonotonicClock.threadCPUNanoseconds()
        do {
            let output = try host.call(endpoint: endpoint, input: input, files: files)
            return .output(output, cpuNanoseconds: MonotonicClock.threadCPUNanoseconds() &- start)
        } catch {
            return failure(error, requestID: requestID)
        }
    }

    /// Runs `/infer` for several requests in one `inferBatch` call. Each answer
    /// reports its share of the batch's CPU time.
    func runBatch(inputs: [[UInt8]], requestIDs: [UInt64]) -> [Result] {
        let start = MonotonicClock.threadCPUNanoseconds()
        let results = host.inferBatch(inputs)
        let share = (MonotonicClock.threadCPUNanoseconds() &- start) / UInt64(max(1, inputs.count))
        return zip(results, requestIDs).map { result, id in
            switch result {
            case let .success(output): return .output(output, cpuNanoseconds: share)
            case let .failure(error): return failure(error, requestID: id)
            }
        }
    }

    func failure(_ error: any Error, requestID: UInt64) -> Result {
        if let error = error as? HTTPError { return .error(status: error.status.code, detail: error.detail, headers: error.headers) }
        logger.error("request \(String(requestID, radix: 16)) failed: \(String(describing: error))")
        return .error(status: 500, detail: "Internal Server Error")
    }
}

extension InferenceRunner.Result {
    /// What the router answers for this result.
    var outcome: InferenceOutcome {
        switch self {
        case let .output(json, cpu): .output(json: json, cpuNanoseconds: cpu)
        case let .streamEnd(cpu): .output(json: [], cpuNanoseconds: cpu)
        case let .error(status, detail, headers): .failure(.detail(status, detail, headers: headers.map { ($0.name, $0.value) }))
        }
    }
}
