import ArgumentParser

/// `octoai scgi --socket PATH`: the same backend as `fcgi`, for an nginx that
/// speaks SCGI (`scgi_pass`); see `deploy/nginx-scgi.conf`.
struct ScgiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scgi", abstract: "Serve the service over SCGI for nginx (supervisor + model owner + responders).")

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var listen: ListenOptions
    @OptionGroup var serve: ServeOptions

    func run() throws {
        try listen.serve(serve, transport: .scgi, globals: globals)
    }
}
