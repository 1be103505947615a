import ArgumentParser
import Foundation
import Logging

/// `octoai setup-service`: runs `setup()` once (e.g. to warm a cache in an image build).
struct SetupServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "setup-service", abstract: "Run the service's setup() once; exit 0, or 1 with the error.")

    @OptionGroup var globals: GlobalOptions

    func run() throws {
        let service = try globals.start()
        defer { service.removeHostFiles() }
        try service.runHook("setup", pythonMode: "setup-service") { try await $0.setup() }
    }
}
