import ArgumentParser
import Foundation
import Logging

/// `octoai nginx-config`: the nginx configuration template with production values
/// (what `deploy/nginx.conf` holds), or with yours.
struct NginxConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nginx-config", abstract: "Print an nginx configuration for octoai.")

    @Option(help: "nginx listen address.") var listen = NginxConfig.production.listen
    @Option(help: "octoai's address: unix:/path/to.sock or HOST:PORT.") var upstream = NginxConfig.production.upstream
    @Option(help: "nginx worker_processes.") var workerProcesses = NginxConfig.production.workerProcesses
    @Option(help: "Another octoai replica to balance across (repeat for each).") var replica: [String] = []
    @Option(help: "Idle upstream connections per nginx worker.") var keepalive = NginxConfig.production.keepalive
    @Option(help: "client_max_body_size in bytes.") var maxBodySize = NginxConfig.production.maxBodySize
    @Option(help: "fastcgi (for `octoai fcgi`) or scgi (for `octoai scgi`).") var transport = TransportKind.fastcgi

    func run() throws {
        var config = NginxConfig(listen: listen, upstream: upstream, workerProcesses: workerProcesses, keepalive: keepalive, maxBodySize: maxBodySize)
        config.transport = transport
        config.replicas = replica
        print(try config.render(), terminator: "")
    }
}

extension TransportKind: ExpressibleByArgument {}
