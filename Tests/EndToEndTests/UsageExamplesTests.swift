import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `octoai generate-usage-examples`: scripts that parse, and that work against a live stack.
@Suite(.sharedStack)
struct UsageExamplesTests {
    /// Runs `executable arguments` in the stack's directory (the scripts write the
    /// file they upload, example.bin, where they run); returns (status, stdout + stderr).
    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        try Shell.run(executable, arguments, in: try Stack.shared.directory, environment: environment)
    }

    func generate(_ format: String) throws -> String {
        let path = try Stack.shared.directory + "/example.\(format)"
        let cli = try CLI.run(["generate-usage-examples", "--format", format, "--output-file", path])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout.isEmpty)
        return path
    }

    @Test func curlScriptParsesAndAnswersFromALiveStack() throws {
        let path = try generate("curl")
        let syntax = try run("bash", ["-n", path])
        #expect(syntax.0 == 0, "\(syntax.1)")
        let live = try run("bash", [path], environment: ["OCTOAI_URL": "http://127.0.0.1:\(try Stack.shared.port)"])
        #expect(live.0 == 0, "\(live.1)")
        #expect(live.1.contains(#""output":"elpmaxe""#), "\(live.1)")
    }

    @Test func pythonScriptCompilesAndAnswersFromALiveStack() throws {
        let path = try generate("python")
        let compiled = try run("python3", ["-m", "py_compile", path])
        #expect(compiled.0 == 0, "\(compiled.1)")
        let script = try String(contentsOfFile: path, encoding: .utf8)
        let imports = script.split(separator: "\n").filter { $0.hasPrefix("import ") || $0.hasPrefix("from ") }
        #expect(imports == ["import json", "import os", "import urllib.request"])
        let live = try run("python3", [path], environment: ["OCTOAI_URL": "http://127.0.0.1:\(try Stack.shared.port)"])
        #expect(live.0 == 0, "\(live.1)")
        #expect(live.1.contains(#""output": "elpmaxe""#), "\(live.1)")
    }

    @Test(arguments: ["curl", "python"])
    func noRenderPrintsTheTemplateAndItsHash(format: String) throws {
        let cli = try CLI.run(["generate-usage-examples", "--format", format, "--no-render"])
        #expect(cli.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: String])
        #expect(Set(object.keys) == ["generated_template", "template_hash"])
        let template = try #require(object["generated_template"])
        #expect(template.contains("{{#endpoints}}"))
        let hashed = try run("python3", ["-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", template])
        #expect(object["template_hash"] == hashed.1.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func unknownFormatIsAUsageError() throws {
        let cli = try CLI.run(["generate-usage-examples", "--format", "ruby"])
        #expect(cli.status == 64)
    }
}
