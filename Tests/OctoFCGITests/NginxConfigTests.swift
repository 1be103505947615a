import Foundation
import Testing
@testable import OctoFCGI

@Suite struct NginxConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func render(_ transport: NginxConfig.TransportKind) throws -> String {
        var config = NginxConfig.production
        config.transport = transport
        return try config.render()
    }

    @Test func deployedSCGIConfigIsTheTemplateWithProductionValues() throws {
        let deployed = try String(contentsOf: Self.root.appendingPathComponent("deploy/nginx-scgi.conf"), encoding: .utf8)
        #expect(deployed == (try render(.scgi)), "regenerate with: octoai nginx-config --transport scgi > deploy/nginx-scgi.conf")
    }

    @Test func scgiPassesTheSameParamsWithoutKeepAlive() throws {
        let scgi = try render(.scgi)
        let fastcgi = try render(.fastcgi)
        #expect(scgi.contains("scgi_pass octoai;"))
        #expect(scgi.contains("scgi_param SCGI            1;"))
        #expect(!scgi.contains("fastcgi"))
        #expect(!scgi.contains("keepalive 6"))
        // nginx adds CONTENT_LENGTH first on its own; a second one would be a duplicate.
        #expect(!scgi.contains("CONTENT_LENGTH  $content_length"))
        let params = { (text: String, prefix: String) in
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix(prefix) }
                .map { $0.dropFirst(prefix.count).split(separator: " ").first.map(String.init) ?? "" }
        }
        #expect(Set(params(fastcgi, "fastcgi_param ")).subtracting(["CONTENT_LENGTH"]) == Set(params(scgi, "scgi_param ")).subtracting(["SCGI"]))
        #expect(fastcgi.contains("fastcgi_keep_conn on;") && fastcgi.contains("keepalive 6;") && !fastcgi.contains("scgi_pass"))
    }
}
