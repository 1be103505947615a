import ArgumentParser
import Foundation

/// `octoai fcgi --socket PATH`: the FastCGI backend (supervisor, model owner, responders).
struct FcgiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fcgi", abstract: "Serve the service over FastCGI for nginx (supervisor + model owner + responders).")

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var listen: ListenOptions
    @OptionGroup var serve: ServeOptions

    func run() throws {
        try listen.serve(serve, transport: .fastcgi, globals: globals)
    }
}
