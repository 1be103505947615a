import Foundation
import Testing
@testable import OctoFCGI

/// `deploy/nginx-replicas.conf`: the template with three TCP replicas, whose
/// requests move to the next replica on a refused or broken connection and on a 503.
@Suite struct NginxReplicasConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func render(_ replicas: [String]) throws -> String {
        var config = NginxConfig.production
        config.upstream = replicas[0]
        config.replicas = Array(replicas.dropFirst())
        return try config.render()
    }

    @Test func deployedReplicasConfigIsTheTemplateWithThreeReplicas() throws {
        let deployed = try String(contentsOf: Self.root.appendingPathComponent("deploy/nginx-replicas.conf"), encoding: .utf8)
        let rendered = try Self.render(["192.0.2.11:9000", "192.0.2.12:9000", "192.0.2.13:9000"])
        #expect(
            deployed == rendered,
            "regenerate with: octoai nginx-config --upstream 192.0.2.11:9000 --replica 192.0.2.12:9000 --replica 192.0.2.13:9000 > deploy/nginx-replicas.conf")
    }

    @Test func replicasStepAsideOnErrorsAnd503WithinBoundedTries() throws {
        for transport in TransportKind.allCases {
            var config = NginxConfig.production
            config.transport = transport
            config.upstream = "192.0.2.11:9000"
            config.replicas = ["192.0.2.12:9000", "192.0.2.13:9000", "192.0.2.14:9000"]
            let text = try config.render()
            let pass = transport.rawValue
            #expect(text.contains("\(pass)_next_upstream error timeout http_503 non_idempotent;"))
            #expect(text.contains("\(pass)_next_upstream_tries 3;"), "at most 3 tries however many replicas")
            #expect(text.contains("\(pass)_next_upstream_timeout 10s;"))
            #expect(text.components(separatedBy: "max_fails=2 fail_timeout=2s;").count - 1 == 4)
            #expect(!text.contains("backup"))
        }
        let two = try Self.render(["192.0.2.11:9000", "192.0.2.12:9000"])
        #expect(two.contains("fastcgi_next_upstream_tries 2;"))
        // One backend: a 503 is the answer (there is nowhere else to go), as before.
        let single = try NginxConfig.production.render()
        #expect(single.contains("fastcgi_next_upstream error timeout non_idempotent;"))
        #expect(!single.contains("http_503"))
    }
}
