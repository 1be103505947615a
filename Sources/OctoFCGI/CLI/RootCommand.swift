import ArgumentParser

/// `octoai`: serve a model behind nginx over FastCGI.
struct RootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "octoai",
        abstract: "Serve a model behind nginx over FastCGI.",
        subcommands: [FcgiCommand.self, RunCommand.self, ApiSchemaCommand.self, SetupServiceCommand.self, StoreAssetsCommand.self, NginxConfigCommand.self]
    )

    @OptionGroup var globals: GlobalOptions
}
