import Foundation
import Testing
@testable import OctoFCGI

@Suite struct NginxConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func render(_ transport: TransportKind) throws -> String {
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
        #expect(!scgi.contains("keepalive 32"))
        // nginx adds CONTENT_LENGTH first on its own; a second one would be a duplicate.
        #expect(!scgi.contains("CONTENT_LENGTH  $content_length"))
        let params = { (text: String, prefix: String) in
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix(prefix) }
                .map { $0.dropFirst(prefix.count).split(separator: " ").first.map(String.init) ?? "" }
        }
        #expect(Set(params(fastcgi, "fastcgi_param ")).subtracting(["CONTENT_LENGTH"]) == Set(params(scgi, "scgi_param ")).subtracting(["SCGI"]))
        #expect(fastcgi.contains("fastcgi_keep_conn on;") && fastcgi.contains("keepalive 32;") && !fastcgi.contains("scgi_pass"))
    }
}

extension NginxConfigTests {
    /// A 5 MiB upload stays in nginx's memory (no temp file written and read back
    /// before it goes to octoai); the buffer never exceeds the body limit.
    @Test func uploadsOfMegabytesAreBufferedInMemory() throws {
        func value(_ text: String, _ directive: String) throws -> String {
            let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            return String(try #require(lines.first { $0.hasPrefix(directive + " ") }).split(separator: " ")[1])
        }
        for transport in [TransportKind.fastcgi, .scgi] {
            let text = try render(transport)
            #expect(try value(text, "client_body_buffer_size") == "8192k;")
            #expect(try value(text, "client_max_body_size") == "\(ServeDefaults.maxBodySize / 1024)k;")
        }
        var small = NginxConfig.production
        small.maxBodySize = 1 << 20
        #expect(try value(try small.render(), "client_body_buffer_size") == "1024k;")
    }

    /// Every nginx in front of octoai starts with the mmap threshold octoai's own
    /// processes get, so the in-memory bodies above go back when their request ends
    /// (UploadMemoryTests measures it for `octoai run`).
    @Test func everyNginxMapsLargeBuffers() throws {
        let setting = "\(MallocPolicy.variable)=\(MallocPolicy.threshold)"
        #expect(MallocPolicy.mappingLargeAllocations(["PATH": "/bin"]) == [
            "PATH": "/bin", MallocPolicy.variable: String(MallocPolicy.threshold), "GLIBC_TUNABLES": MallocPolicy.hugePages,
        ])
        #expect(MallocPolicy.mappingLargeAllocations([MallocPolicy.variable: "1048576"])[MallocPolicy.variable] == "1048576", "the operator's value wins")
        #expect(
            MallocPolicy.reusingLargeAllocations(["PATH": "/bin"]) == [
                "PATH": "/bin", "GLIBC_TUNABLES": MallocPolicy.hugePages + ":" + MallocPolicy.noStackCache, MallocPolicy.arenas: "1",
            ],
            "octoai's children trim instead")
        #expect(MallocPolicy.reusingLargeAllocations([MallocPolicy.arenas: "4"])[MallocPolicy.arenas] == "4", "the operator's value wins")
        #expect(
            MallocPolicy.reusingLargeAllocations(["GLIBC_TUNABLES": "glibc.pthread.stack_cache_size=1048576"])["GLIBC_TUNABLES"]
                == "glibc.pthread.stack_cache_size=1048576:glibc.malloc.hugetlb=1", "the operator's value wins")
        #expect(MallocPolicy.mappingLargeAllocations(["GLIBC_TUNABLES": "glibc.malloc.arena_max=2"])["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1")
        #expect(MallocPolicy.mappingLargeAllocations(["GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"])["GLIBC_TUNABLES"] == "glibc.malloc.hugetlb=0", "the operator's value wins")
        let dropIn = try String(contentsOf: Self.root.appendingPathComponent("deploy/systemd/nginx.service.d/octoai.conf"), encoding: .utf8)
        #expect(dropIn.split(separator: "\n").contains { $0 == "Environment=\(setting)" })
        #expect(dropIn.split(separator: "\n").contains { $0 == "Environment=GLIBC_TUNABLES=\(MallocPolicy.hugePages)" })
        let deployment = try String(contentsOf: Self.root.appendingPathComponent("deploy/kubernetes/deployment.yaml"), encoding: .utf8)
        #expect(deployment.contains("- name: \(MallocPolicy.variable)\n              value: \"\(MallocPolicy.threshold)\""))
        #expect(deployment.contains("- name: GLIBC_TUNABLES\n              value: \"\(MallocPolicy.hugePages)\""))
        #expect(try render(.fastcgi).contains(setting), "the config says what nginx's environment needs")
    }

    /// nginx refuses oversized headers itself; octoai must never refuse less than
    /// nginx lets through (SCGI header size), and every error nginx makes is JSON.
    @Test func headerLimitsAgreeAndNginxErrorsAreJSON() throws {
        let config = try render(.fastcgi)
        let line = try #require(config.split(separator: "\n").first { $0.contains("large_client_header_buffers") })
        let parts = line.trimmingCharacters(in: .whitespaces).dropLast().split(separator: " ")
        let count = try #require(Int(parts[1]))
        let size = try #require(Int(parts[2].dropLast())) * 1024
        #expect(count * size < SCGIHeaderParser.defaultMaxHeaderSize)
        for code in [400, 404, 405, 413, 414, 494, 502, 504] {
            #expect(config.contains("error_page \(code) "), "no JSON page for nginx's \(code)")
        }
        #expect(!config.contains("fastcgi_intercept_errors"), "the backend's own 4xx/5xx must pass through untouched")
    }
}
