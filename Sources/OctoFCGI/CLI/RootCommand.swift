import ArgumentParser

/// `octoai`: serve a model behind nginx over FastCGI or SCGI.
struct RootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "octoai",
        abstract: "Serve a model behind nginx over FastCGI or SCGI.",
        subcommands: [FcgiCommand.self, ScgiCommand.self, RunCommand.self, ReloadCommand.self, ApiSchemaCommand.self, SetupServiceCommand.self, StoreAssetsCommand.self, NginxConfigCommand.self, GenerateUsageExamplesCommand.self]
    )

    @OptionGroup var globals: GlobalOptions
}
