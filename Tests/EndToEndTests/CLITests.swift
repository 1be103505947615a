import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// CONTRACT §4: the command line, its output streams and exit codes.
@Suite struct CLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func unknownServiceClassListsTheKnownOnes() throws {
        let r = try CLI.run(["--service-class", "Nope", "api-schema"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("unknown service class \"Nope\""))
        #expect(r.stderr.contains("MiniLMService, EchoService, EchoServiceWithAssets, TypesService, BatchEchoService"))
        #expect(r.stdout.isEmpty)
    }

    @Test func apiSchemaToStdoutAndToFileAgree() throws {
        let file = NSTemporaryDirectory() + "openapi-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let printed = try CLI.run(["api-schema"])
        #expect(printed.status == 0)
        let written = try CLI.run(["api-schema", "--output-file", file])
        #expect(written.status == 0)
        #expect(written.stdout.isEmpty)
        let document = try String(contentsOfFile: file, encoding: .utf8)
        #expect(document == printed.stdout.trimmingCharacters(in: .newlines))
        let json = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any]
        #expect(json?["openapi"] as? String == "3.1.0")
    }

    @Test(arguments: ["EchoService", "EchoServiceWithAssets", "TypesService"])
    func openAPIDocumentPassesTheValidator(service: String) throws {
        let file = NSTemporaryDirectory() + "openapi-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try CLI.run(["--service-class", service, "api-schema", "--output-file", file]).status == 0)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import json, sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1])))", file]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "openapi-spec-validator rejected the \(service) document")
    }

    @Test func theDefaultServiceIsMiniLM() throws {
        let schema = try CLI.run(["api-schema"], service: nil)
        #expect(schema.status == 0)
        #expect(schema.stdout.contains(#""title":"MiniLMService""#))
        #expect(schema.stdout.contains(#""/similarity""#))
        #expect(try CLI.run(["store-assets", "--check-is-needed"], service: nil).status == 10)
        let setup = try CLI.run(["setup-service"], service: nil, environment: ["OCTOAI_VOLUME_PATH": "/nonexistent/volume"])
        #expect(setup.status == 1)
        #expect(setup.stderr.contains("octoai store-assets"))
    }

    @Test func storeAssetsCheckIsNeeded() throws {
        #expect(try CLI.run(["store-assets", "--check-is-needed"]).status == 11)
        #expect(try CLI.run(["--service-class", "EchoServiceWithAssets", "store-assets", "--check-is-needed"]).status == 10)
    }

    @Test func storeAssetsExportsTheVolumeVariables() throws {
        let marker = NSTemporaryDirectory() + "marker-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let r = try CLI.run(
            ["--service-class", "EchoServiceWithAssets", "store-assets"],
            environment: ["STORE_ASSETS_MARKER": marker, "OCTOAI_VOLUME_PATH": "/tmp/vol"])
        #expect(r.status == 0, "\(r.stderr)")
        let seen = try String(contentsOfFile: marker, encoding: .utf8)
        #expect(seen.contains("OCTOAI_VOLUME_PATH=/tmp/vol"))
        #expect(seen.contains("HUGGINGFACE_HUB_CACHE=/tmp/vol/huggingface_hub_cache"))
        #expect(seen.contains("TORCH_HOME=/tmp/vol/torch_home"))
    }

    @Test func setupServiceExitCodes() throws {
        let ok = try CLI.run(["setup-service"])
        #expect(ok.status == 0)
        #expect(ok.stdout.isEmpty)
        let failed = try CLI.run(["--log-level", "error", "setup-service"], environment: ["SETUP_FAIL": "1"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("SETUP_FAIL=1"))
        #expect(failed.stdout.isEmpty)
    }

    @Test func logLevelIsValidatedCaseInsensitively() throws {
        #expect(try CLI.run(["--log-level", "debug", "store-assets", "--check-is-needed"]).status == 11)
        #expect(try CLI.run(["store-assets", "--check-is-needed"], environment: ["OCTOAI_LOG_LEVEL": "Warning"]).status == 11)
        let bad = try CLI.run(["--log-level", "LOUD", "api-schema"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("invalid log level"))
    }

    @Test func fcgiNeedsASocketOrListenAddress() throws {
        let r = try CLI.run(["fcgi"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--socket"))
    }

    @Test func deployConfigIsTheRenderedTemplate() throws {
        let deployed = try String(contentsOf: Self.repository.appendingPathComponent("deploy/nginx.conf"), encoding: .utf8)
        let rendered = try CLI.run(["nginx-config"])
        #expect(rendered.status == 0)
        #expect(rendered.stdout == deployed, "regenerate with: octoai nginx-config > deploy/nginx.conf")
    }

    @Test func runWithoutNginxSaysHowToInstallIt() throws {
        let r = try CLI.run(["run", "--port", "1"], environment: ["OCTOAI_NGINX": "/nonexistent/nginx"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("apt-get install -y nginx"))
    }

    @Test func runServesThroughNginxAndStopsBothOnSigterm() throws {
        let run = try RunProcess(["--workers", "1", "--threads", "2"])
        let client = run.client
        let infer = try client.post("/infer", json: #"{"prompt":"run"}"#)
        #expect(infer.status == 200)
        #expect(infer.object["output"] as? String == "nur")
        #expect(run.stop() == 0)
        #expect((try? client.get("/")) == nil, "nginx must be gone after run exits")
    }

    /// `run` takes the serving options `fcgi` takes (one option group), and its
    /// backend gets them: the limits, the timeout and the routes they switch off.
    @Test func runTakesEveryServingOption() throws {
        let run = try RunProcess(["--threads", "2", "--docs", "false", "--max-json-values", "3", "--request-timeout", "0.5"])
        defer { run.stop() }
        let client = run.client
        #expect(try client.get("/docs").status == 404)
        #expect(try client.post("/infer", json: #"{"prompt":"a","extra":[1,2,3]}"#).status == 413)
        // 504 at 0.5 s; the call itself goes on to its end (1 s), then the model is free.
        #expect(try client.post("/infer", json: #"{"prompt":"sleep:1"}"#).status == 504)
        usleep(800_000)
        #expect(try client.post("/infer", json: #"{"prompt":"ok"}"#).status == 200)
    }
}
