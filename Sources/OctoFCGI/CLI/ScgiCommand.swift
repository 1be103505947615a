import ArgumentParser

/// `octoai scgi --socket PATH`: the same backend as `fcgi`, for an nginx that
/// speaks SCGI (`scgi_pass`); see `deploy/nginx-scgi.conf`.
struct ScgiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scgi", abstract: "Serve the service over SCGI for nginx (supervisor + model owner + responders).")

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var serve: ServeOptions

    func run() throws {
        let service = try globals.start()
        AssetVolume.exportVariables(for: service)
        let config = try serve.supervisorConfig(transport: "scgi", logLevel: globals.resolvedLogLevel)
        let code = try Supervisor(config: config, service: service).run()
        if code != 0 { throw ExitCode(code) }
    }
}
