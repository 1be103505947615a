import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A Python service's first start (no describe-cache entry, or the cache off):
/// the first model owner describes the service, and the supervisor waits for
/// that before it listens, so the service is imported once. What cannot be
/// served is still one line and exit status 1 with nothing listening.
@Suite struct PythonFirstStartTests {
    static let badServices = Stack.packageRoot.appendingPathComponent("Tests/PythonServices/bad_services")

    /// The first owner was told to describe (its exec environment has the variable).
    func ownerDescribed(_ stack: Stack) throws -> Bool {
        let owner = try #require(stack.pids(titled: "octoai: model-owner").first)
        return try Self.environment(of: owner).contains { $0.hasPrefix("OCTOAI_DESCRIBE_TO=") }
    }

    static func environment(of pid: pid_t) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: [
        ("import_error.py", "No module named 'no_such_dependency'"),
        ("no_service.py", "no class"),
        ("missing_annotations.py", "requires type annotations"),
    ])
    func aServiceThatCannotBeServedIsOneLineAndExit1BeforeListening(file: String, says: String) throws {
        let directory = try Stack.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let module = Self.badServices.appendingPathComponent(file).path
        for command in [["fcgi", "--socket", directory + "/octoai.sock"], ["run", "--port", String(try Stack.freePort())]] {
            let r = try CLI.run(
                ["--service-module", module, "--python", Stack.python] + command, service: nil, environment: ["OCTOAI_DESCRIBE_CACHE": "0"],
                timeout: 60)
            #expect(r.status == 1, "\(command[0]): \(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(command[0]): \(r.stderr)")
            #expect(lines.first?.hasPrefix("octoai: ") == true, "\(command[0]): \(r.stderr)")
            #expect(r.stderr.lowercased().contains(says.lowercased()), "\(command[0]): \(r.stderr)")
            #expect(!r.stderr.contains("listening") && !r.stderr.contains("serving"), "\(command[0]): \(r.stderr)")
        }
    }

    @Test func aFirstStartIsDescribedByItsOwnerAndTheNextFromTheCache() throws {
        let cache = try Stack.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        var options = Stack.Options.echo(python: true)
        options.environment["XDG_CACHE_HOME"] = cache
        let entries = cache + "/octoai/python-describe"
        for start in ["first", "second"] {
            let stack = try Stack(options)
            defer { stack.stop() }
            #expect(try ownerDescribed(stack) == (start == "first"), "\(start) start")
            #expect(try stack.client.post("/infer", json: #"{"prompt":"hello"}"#).object["output"] as? String == "olleh")
            let document = try stack.client.get("/openapi.json")
            #expect(document.status == 200)
            #expect(document.text.contains("\"/tokenize\""))
            #expect((try? FileManager.default.contentsOfDirectory(atPath: entries))?.count == 1, "\(start) start")
        }
    }

    /// A service that stores assets is imported with the volume variables set, as
    /// the seed imports it: the first owner, which learns it only from its own
    /// import, runs itself again with them.
    @Test func aFirstOwnerOfAServiceThatStoresAssetsRunsAgainWithTheVolumeVariables() throws {
        var options = Stack.Options.echo(python: true)
        options.service = "EchoServiceWithAssets"
        options.environment["OCTOAI_DESCRIBE_CACHE"] = "0"
        options.environment["OCTOAI_VOLUME_PATH"] = "/vol"
        let stack = try Stack(options)
        defer { stack.stop() }
        let owner = try #require(stack.pids(titled: "octoai: model-owner").first)
        let environment = try Self.environment(of: owner)
        #expect(environment.contains("HUGGINGFACE_HUB_CACHE=/vol/huggingface_hub_cache"), "\(environment)")
        #expect(environment.contains("TORCH_HOME=/vol/torch_home"))
        #expect(!environment.contains { $0.hasPrefix("OCTOAI_DESCRIBE_TO=") })
        #expect(try stack.client.post("/infer", json: #"{"prompt":"abc"}"#).object["output"] as? String == "cba")
        #expect(!stack.log.contains("restarting"), "\(stack.log)")
    }
}
