import Foundation
import OctoFCGI

/// ``EchoService`` plus a `storeAssets()` that writes a marker file at
/// `$STORE_ASSETS_MARKER` recording the volume variables it saw (CONTRACT §6).
public struct EchoServiceWithAssets: AssetStoringService {
    public typealias Input = EchoService.Input
    public typealias Output = EchoService.Output

    private var echo = EchoService()

    public init() {}

    public mutating func setup() async throws { try await echo.setup() }

    public func infer(_ input: Input) throws -> Output { try echo.infer(input) }

    public func tokenize(_ input: EchoService.TokenizeInput) throws -> [String] { try echo.tokenize(input) }

    public func upload(_ form: EchoService.UploadForm) throws -> EchoService.UploadOutput { try echo.upload(form) }

    public static var endpoints: [Endpoint<Self>] { [.post("/tokenize", Self.tokenize), .form("/upload", Self.upload)] }

    public func storeAssets() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let marker = env["STORE_ASSETS_MARKER"] else { return }
        let seen = ["OCTOAI_VOLUME_PATH", "HUGGINGFACE_HUB_CACHE", "TORCH_HOME"].map { "\($0)=\(env[$0] ?? "")" }
        try (seen.joined(separator: "\n") + "\n").write(toFile: marker, atomically: true, encoding: .utf8)
    }
}
