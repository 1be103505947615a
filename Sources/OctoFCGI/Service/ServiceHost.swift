import Foundation
import Logging

/// One live service instance, type-erased.
protocol ServiceHosting: AnyObject, Sendable {
    func setup() async throws
    /// Runs endpoint `index` on JSON `input` (a form's: its head, and its `files`
    /// when they were read apart from it); throws the service's error.
    func call(endpoint index: Int, input: [UInt8], files: FormPayload.Files?) throws -> [UInt8]
    /// Decodes `input` for endpoint `index` into a call still to run; throws a
    /// decoding error. A streaming endpoint's call sends its items through `emit`
    /// (false back: nobody reads them any more).
    func prepare(endpoint index: Int, input: [UInt8], files: FormPayload.Files?, emit: @escaping @Sendable ([UInt8]) -> Bool) throws -> PreparedCall
    /// Whether endpoint `index` answers with a stream.
    func isStream(endpoint index: Int) -> Bool
    /// Whether endpoint `index` takes `multipart/form-data`.
    func isForm(endpoint index: Int) -> Bool
    /// Runs `/infer` on several JSON inputs in one `inferBatch` call; one result per input, in order.
    func inferBatch(_ inputs: [[UInt8]]) -> [Result<[UInt8], any Error>]
    func onServerStartup() async throws
    func onServerShutdown() async throws
    func storeAssets() async throws
}

/// Holds the service value. `setup()` mutates it before any request is served;
/// afterwards it is only read, from the inference threads, which is why the
/// unchecked `Sendable` is sound: the write happens-before every read through the
/// start of serving.
final class ServiceHost<S: Service>: ServiceHosting, @unchecked Sendable {
    private var service = S()
    private let endpoints: [Endpoint<S>]

    init(endpoints: [Endpoint<S>]) { self.endpoints = endpoints }

    func setup() async throws { try await service.setup() }
    func call(endpoint index: Int, input: [UInt8], files: FormPayload.Files?) throws -> [UInt8] {
        try prepare(endpoint: index, input: input, files: files, emit: { _ in false }).callAndEncode()
    }
    func prepare(endpoint index: Int, input: [UInt8], files: FormPayload.Files?, emit: @escaping @Sendable ([UInt8]) -> Bool) throws -> PreparedCall {
        try endpoints[index].prepare(service, input, files, emit)
    }
    func isStream(endpoint index: Int) -> Bool { endpoints[index].isStream }
    func isForm(endpoint index: Int) -> Bool { endpoints.indices.contains(index) && endpoints[index].isForm }
    func inferBatch(_ inputs: [[UInt8]]) -> [Result<[UInt8], any Error>] {
        var results = [Result<[UInt8], any Error>](repeating: .failure(BatchError.notRun), count: inputs.count)
        var decoded: [(index: Int, input: S.Input)] = []
        for (index, raw) in inputs.enumerated() {
            do { decoded.append((index, try InputDecoder.decode(S.Input.self, from: raw))) } catch { results[index] = .failure(error) }
        }
        guard !decoded.isEmpty else { return results }
        do {
            let outputs = try Self.inferBatch(service, decoded.map(\.input))
            guard outputs.count == decoded.count else { throw BatchError.countMismatch(inputs: decoded.count, outputs: outputs.count) }
            for (item, output) in zip(decoded, outputs) { results[item.index] = Result { try OutputEncoder.encode(output) } }
        } catch {
            for item in decoded { results[item.index] = .failure(error) }
        }
        return results
    }

    func onServerStartup() async throws { try await service.onServerStartup() }
    func onServerShutdown() async throws { try await service.onServerShutdown() }
    func storeAssets() async throws {
        if let storing = service as? any AssetStoringService { try await storing.storeAssets() }
    }

    /// One `inferBatch` call when the service batches, else one `infer` per input.
    private static func inferBatch(_ service: S, _ inputs: [S.Input]) throws -> [S.Output] {
        guard let batching = service as? any BatchingService else { return try inputs.map(service.infer) }
        return try inferBatch(opening: batching, inputs)
    }

    /// `service` is the `S` value itself: its `Input` and `Output` are `S`'s, which
    /// the casts state to the type checker (they cannot fail).
    private static func inferBatch<B: BatchingService>(opening service: B, _ inputs: [S.Input]) throws -> [S.Output] {
        try service.inferBatch(inputs as! [B.Input]) as! [S.Output]
    }
}

/// Why a batched call produced no output for an input.
enum BatchError: Error, CustomStringConvertible {
    case notRun
    case countMismatch(inputs: Int, outputs: Int)

    var description: String {
        switch self {
        case .notRun: "the batch was not run"
        case let .countMismatch(inputs, outputs): "inferBatch returned \(outputs) outputs for \(inputs) inputs"
        }
    }
}
