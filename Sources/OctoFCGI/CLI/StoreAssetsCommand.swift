import ArgumentParser
import Foundation
import Logging

/// `octoai store-assets`: runs the service's `storeAssets()` into the volume.
struct StoreAssetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store-assets", abstract: "Store the service's assets in OCTOAI_VOLUME_PATH.")

    @OptionGroup var globals: GlobalOptions

    @Flag(help: "Only tell whether the service stores assets: exit 10 if it does, 11 if not.")
    var checkIsNeeded = false

    func run() throws {
        let service = try globals.start()
        defer { service.removeHostFiles() }
        if checkIsNeeded { throw ExitCode(service.storesAssets ? 10 : 11) }
        AssetVolume.exportVariables(for: service)
        try service.runHook("store-assets", pythonMode: "store-assets") { try await $0.storeAssets() }
    }
}
