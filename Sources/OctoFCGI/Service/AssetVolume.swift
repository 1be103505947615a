import Foundation

/// `OCTOAI_VOLUME_PATH` and the cache variables the seed exports for services that store assets.
enum AssetVolume {
    static var path: String { ProcessInfo.processInfo.environment["OCTOAI_VOLUME_PATH"] ?? "/octoai/cache" }

    /// Exports `HUGGINGFACE_HUB_CACHE` and `TORCH_HOME` under the volume (inherited by children).
    static func exportVariables(for service: ServiceDescriptor) {
        guard service.storesAssets else { return }
        setenv("HUGGINGFACE_HUB_CACHE", path + "/huggingface_hub_cache", 1)
        setenv("TORCH_HOME", path + "/torch_home", 1)
    }
}
