import Foundation
import OctoFCGI

/// ``EchoService``'s `/infer`, answered in batches: shows (and lets the tests
/// see) the model owner's dynamic batcher at work. Each answer says how many
/// requests shared its `inferBatch` call. `fail` in any prompt fails the batch.
public struct BatchEchoService: BatchingService {
    public typealias Input = EchoService.Input

    public struct Output: Codable, Sendable {
        public var output: String
        public var batch_size: Int
    }

    public init() {}

    public func infer(_ input: Input) throws -> Output { try inferBatch([input])[0] }

    public func inferBatch(_ inputs: [Input]) throws -> [Output] {
        if inputs.contains(where: { $0.prompt == "fail" }) { throw BatchFailure() }
        // One model call for the whole batch, as a neural network would make.
        if let seconds = inputs.compactMap({ EchoService.seconds(after: "sleep:", in: $0.prompt) }).max() {
            Thread.sleep(forTimeInterval: seconds)
        }
        return inputs.map { Output(output: EchoService.reversedPrefix($0.prompt, maxTokens: $0.max_tokens), batch_size: inputs.count) }
    }
}

struct BatchFailure: Error, CustomStringConvertible {
    var description: String { "fail: BatchEchoService.inferBatch() failed on purpose" }
}
