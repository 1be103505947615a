import Foundation
import Testing

/// What a client that reads only the OpenAPI document finds, for every service
/// built into `octoai` (and the shared Python EchoService): the examples `/docs`
/// and `generate-usage-examples` show are accepted, and schemathesis (a real
/// schema-driven client, from PyPI) finds every answer declared.
@Suite(.serialized) struct SchemaClientTests {
    /// The built-in services, and the Python one (nil: the shared EchoService module).
    static let services: [String?] = ["EchoService", "EchoServiceWithAssets", "TypesService", "BatchEchoService", "MiniLMService", nil]

    static var volume: String { Stack.packageRoot.appendingPathComponent(".build-cache").path }

    func stack(_ service: String?) throws -> Stack {
        var options = Stack.Options()
        if let service { options.service = service } else { options.pythonModule = Stack.pythonEchoService }
        options.environment["OCTOAI_VOLUME_PATH"] = Self.volume
        return try Stack(options)
    }

    func generate(_ format: String, for service: String?, into directory: String) throws -> String {
        let path = directory + "/examples.\(format)"
        let named = service == nil ? Wire.fastcgiPython.serviceArguments + ["--service-class", "EchoService"] : ["--service-class", service!]
        let cli = try CLI.run(named + ["generate-usage-examples", "--format", format, "--output-file", path], service: nil)
        #expect(cli.status == 0, "\(cli.stderr)")
        return path
    }

    /// Every request of both generated scripts answers 200 (curl runs with
    /// `--fail-with-body`, the Python script raises on an error status).
    @Test(arguments: services) func everyGeneratedExampleIsAccepted(service: String?) throws {
        let stack = try stack(service)
        defer { stack.stop() }
        let url = ["OCTOAI_URL": "http://127.0.0.1:\(stack.port)"]
        let curl = try Shell.run("bash", [try generate("curl", for: service, into: stack.directory)], in: stack.directory, environment: url)
        #expect(curl.status == 0, "\(curl.output)")
        let python = try Shell.run("python3", [try generate("python", for: service, into: stack.directory)], in: stack.directory, environment: url)
        #expect(python.status == 0, "\(python.output)")
    }

    /// schemathesis's checks against `/openapi.json`, bounded (a fixed seed, a
    /// few examples per operation). Left out: `negative_data_rejection`, which
    /// expects a value of another JSON type to be refused, where the contract
    /// (pydantic's lax mode, as the seed) accepts `"12"` for an int.
    @Test(arguments: services) func schemathesisFindsNothingUndeclared(service: String?) throws {
        let schemathesis = Stack.packageRoot.appendingPathComponent(".build-schemathesis/bin/schemathesis").path
        try #require(FileManager.default.isExecutableFile(atPath: schemathesis), "run scripts/install-python-deps.sh")
        let stack = try stack(service)
        defer { stack.stop() }
        // MiniLMService has rules its schema does not state (exactly one of `text`
        // and `texts`, 1 to 64 texts, 20 000 characters each): a service can give
        // examples of what it accepts, not such constraints, so schema-valid bodies
        // it refuses (422) are expected there.
        let minilm = service == "MiniLMService"
        let excluded = minilm ? "negative_data_rejection,positive_data_acceptance" : "negative_data_rejection"
        let r = try Shell.run(
            schemathesis,
            ["run", "http://127.0.0.1:\(stack.port)/openapi.json", "--max-examples", minilm ? "8" : "25", "--seed", "1", "--workers", "1",
             "--exclude-checks", excluded, "--request-timeout", "30", "--no-color"],
            in: stack.directory)
        #expect(r.status == 0, "\(r.output.suffix(4000))")
        #expect(r.output.contains("No issues found"), "\(r.output.suffix(2000))")
    }
}
