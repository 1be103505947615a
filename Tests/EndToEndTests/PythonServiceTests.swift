import Foundation
import Testing

/// What is particular to a Python service (`--service-module`): what cannot be
/// served says so in one line before anything listens, and an edited module is
/// what a reload serves.
@Suite struct PythonServiceTests {
    static let services = Stack.packageRoot.appendingPathComponent("Tests/PythonServices")

    func python(_ module: String, _ arguments: [String], serviceClass: String? = nil, environment: [String: String] = [:]) throws -> CLI.Result {
        let named = serviceClass.map { ["--service-class", $0] } ?? []
        return try CLI.run(
            ["--service-module", module, "--python", Stack.python] + named + arguments, service: nil, environment: environment, timeout: 30)
    }

    @Test(arguments: [
        ("import_error.py", "No module named 'no_such_dependency'"),
        ("syntax_error.py", "SyntaxError"),
        ("no_service.py", "no class"),
        ("missing_annotations.py", "requires type annotations"),
    ])
    func aServiceThatCannotBeServedIsOneLineAndExit1(file: String, says: String) throws {
        let r = try python(Self.services.appendingPathComponent("bad_services/\(file)").path, ["api-schema"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(lines.first?.hasPrefix("octoai: ") == true, "\(r.stderr)")
        #expect(r.stderr.lowercased().contains(says.lowercased()), "\(r.stderr)")
    }

    @Test func aMissingInterpreterOrClassIsOneLineAndExit1() throws {
        let noPython = try CLI.run(["--service-module", Stack.pythonEchoService, "--python", "/nonexistent/python", "api-schema"], service: nil)
        #expect(noPython.status == 1)
        #expect(noPython.stderr.hasPrefix("octoai: the Python interpreter /nonexistent/python"), "\(noPython.stderr)")
        let noClass = try python(Stack.pythonEchoService, ["api-schema"], serviceClass: "NoSuchService")
        #expect(noClass.status == 1)
        #expect(noClass.stderr.contains("NoSuchService"), "\(noClass.stderr)")
    }

    @Test func printsOnImportStayOutOfTheCommandsOutput() throws {
        // The describe cache off: with a warm entry (an earlier run on this machine)
        // nothing is imported, and there would be no print to keep out.
        let r = try python(
            Self.services.appendingPathComponent("bad_services/prints_on_import.py").path, ["api-schema"], environment: ["OCTOAI_DESCRIBE_CACHE": "0"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("{\"openapi\":\"3.1.0\""))
        #expect(r.stderr.contains("hello from import"))
    }

    @Test func hooksAndStoreAssetsAsTheSeedHasThem() throws {
        #expect(try python(Stack.pythonEchoService, ["store-assets", "--check-is-needed"]).status == 11)
        #expect(try python(Stack.pythonEchoService, ["store-assets", "--check-is-needed"], serviceClass: "EchoServiceWithAssets").status == 10)
        let marker = NSTemporaryDirectory() + "octoai-marker-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let stored = try python(
            Stack.pythonEchoService, ["store-assets"], serviceClass: "EchoServiceWithAssets",
            environment: ["STORE_ASSETS_MARKER": marker, "OCTOAI_VOLUME_PATH": "/vol"])
        #expect(stored.status == 0, "\(stored.stderr)")
        let seen = try String(contentsOfFile: marker, encoding: .utf8)
        #expect(seen.contains("HUGGINGFACE_HUB_CACHE=/vol/huggingface_hub_cache"), "\(seen)")
        #expect(try python(Stack.pythonEchoService, ["setup-service"]).status == 0)
        let failing = try python(Stack.pythonEchoService, ["setup-service"], environment: ["SETUP_FAIL": "1"])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("setup failed on purpose"), "\(failing.stderr)")
    }

    @Test func anOutputItsAnnotationRefusesIsA500AndServingGoesOn() throws {
        var options = Stack.Options()
        options.service = ""
        options.pythonModule = Self.services.appendingPathComponent("bad_services/wrong_output.py").path
        let stack = try Stack(options)
        defer { stack.stop() }
        let r = try stack.client.post("/infer", json: #"{"n":1}"#)
        #expect(r.status == 500)
        #expect(r.text == #"{"detail":"Internal Server Error"}"#)
        #expect(try stack.client.post("/infer", json: #"{"n":"x"}"#).status == 422)
    }

    /// A reload imports the module anew: under steady load nothing fails, and
    /// the edited code answers afterwards.
    @Test func aReloadUnderLoadServesTheEditedModuleAndLosesNothing() throws {
        try servingACopyOfTheEchoService { stack, module in
            #expect(try stack.client.post("/infer", json: #"{"prompt":"ab"}"#).object["output"] as? String == "ba")
            let load = LoadGenerator(port: stack.port)
            usleep(300_000)
            let source = try String(contentsOfFile: module, encoding: .utf8)
            let edited = source.replacingOccurrences(of: "return prompt[:max_tokens][::-1]", with: "return prompt[:max_tokens][::-1].upper()")
            #expect(edited != source)
            try edited.write(toFile: module, atomically: true, encoding: .utf8)
            let command = try stack.reloadCommand()
            #expect(command.status == 0, "\(command.stderr)")
            try stack.waitForGeneration(2)
            usleep(300_000)
            load.stopExpectingNothingLost("python-reload")
            #expect(try stack.client.post("/infer", json: #"{"prompt":"ab"}"#).object["output"] as? String == "BA")
        }
    }

    /// Calls name their endpoint by its index in the description the responders
    /// route by: a reload of an edit that added an endpoint must not run one
    /// method for another, so the new owner refuses and the old generation serves on.
    @Test func aReloadOfAnEditThatAddsAnEndpointIsRefusedAndTheServingGenerationStays() throws {
        try servingACopyOfTheEchoService { stack, module in
            let added = "\n\ndef _aardvark(self, text: str) -> str:\n    return text.upper()\n\n\nEchoService.aardvark = _aardvark\n"
            try (try String(contentsOfFile: module, encoding: .utf8) + added).write(toFile: module, atomically: true, encoding: .utf8)
            #expect(try stack.reloadCommand().status == 0)
            try stack.waitFor("the reload to fail") { stack.log.contains("keeps serving") }
            #expect(stack.log.contains("endpoints changed since octoai started (/infer, /tokenize, /upload -> /infer, /aardvark, /tokenize, /upload)"), "\(stack.log)")
            #expect(try stack.client.post("/infer", json: #"{"prompt":"ab"}"#).object["output"] as? String == "ba")
            #expect(try stack.client.post("/tokenize", json: #"{"text":"a b"}"#).status == 200)
            #expect(stack.pids(titled: "octoai: model-owner").count == 1)
        }
    }

    /// Serves a copy of the shared EchoService, which `body` may edit (at the path it gets).
    func servingACopyOfTheEchoService(_ body: (Stack, String) throws -> Void) throws {
        let directory = try Stack.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let module = directory + "/service.py"
        try FileManager.default.copyItem(atPath: Stack.pythonEchoService, toPath: module)
        var options = Stack.Options()
        options.pythonModule = module
        let stack = try Stack(options)
        defer { stack.stop() }
        try body(stack, module)
    }
}
