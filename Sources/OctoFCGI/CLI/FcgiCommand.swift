import ArgumentParser
import Foundation

/// `octoai fcgi --socket PATH`: the FastCGI backend (supervisor, model owner, responders).
struct FcgiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fcgi", abstract: "Serve the service over FastCGI for nginx (supervisor + model owner + responders).")

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var serve: ServeOptions

    func run() throws {
        try serve.serve(transport: "fastcgi", globals: globals)
    }
}

/// `octoai api-schema`: the OpenAPI document, exactly as `GET /openapi.json` serves it.
struct ApiSchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api-schema", abstract: "Print the OpenAPI document (JSON).")

    @OptionGroup var globals: GlobalOptions

    @Option(help: "Write the document to this file instead of stdout.")
    var outputFile: String?

    func run() throws {
        let service = try globals.start()
        let document = OpenAPIGenerator.document(for: service.api).serialized
        if let outputFile {
            try document.write(toFile: outputFile, atomically: true, encoding: .utf8)
        } else {
            print(document)
        }
    }
}

/// `octoai setup-service`: runs `setup()` once (e.g. to warm a cache in an image build).
struct SetupServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "setup-service", abstract: "Run the service's setup() once; exit 0, or 1 with the error.")

    @OptionGroup var globals: GlobalOptions

    func run() throws {
        let service = try globals.start()
        do {
            let host = service.makeHost()
            try ChildRuntime.runBlocking { try await host.setup() }
        } catch {
            Logger.cli.error("setup failed: \(String(describing: error))")
            throw ExitCode(1)
        }
    }
}

/// `octoai store-assets`: runs the service's `storeAssets()` into the volume.
struct StoreAssetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store-assets", abstract: "Store the service's assets in OCTOAI_VOLUME_PATH.")

    @OptionGroup var globals: GlobalOptions

    @Flag(help: "Only tell whether the service stores assets: exit 10 if it does, 11 if not.")
    var checkIsNeeded = false

    func run() throws {
        let service = try globals.start()
        if checkIsNeeded { throw ExitCode(service.storesAssets ? 10 : 11) }
        AssetVolume.exportVariables(for: service)
        do {
            let host = service.makeHost()
            try ChildRuntime.runBlocking { try await host.storeAssets() }
        } catch {
            Logger.cli.error("store-assets failed: \(String(describing: error))")
            throw ExitCode(1)
        }
    }
}

/// `octoai nginx-config`: the nginx configuration template with production values
/// (what `deploy/nginx.conf` holds), or with yours.
struct NginxConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nginx-config", abstract: "Print an nginx configuration for octoai.")

    @Option(help: "nginx listen address.") var listen = NginxConfig.production.listen
    @Option(help: "octoai's address: unix:/path/to.sock or HOST:PORT.") var upstream = NginxConfig.production.upstream
    @Option(help: "nginx worker_processes.") var workerProcesses = NginxConfig.production.workerProcesses
    @Option(help: "Idle upstream connections per nginx worker.") var keepalive = NginxConfig.production.keepalive
    @Option(help: "client_max_body_size in bytes.") var maxBodySize = NginxConfig.production.maxBodySize
    @Option(help: "fastcgi (for `octoai fcgi`) or scgi (for `octoai scgi`).") var transport = NginxConfig.TransportKind.fastcgi

    func run() throws {
        var config = NginxConfig(listen: listen, upstream: upstream, workerProcesses: workerProcesses, keepalive: keepalive, maxBodySize: maxBodySize)
        config.transport = transport
        print(try config.render(), terminator: "")
    }
}

import Logging

extension NginxConfig.TransportKind: ExpressibleByArgument {}

extension Logger {
    static let cli = Logger(label: "octoai")
}
