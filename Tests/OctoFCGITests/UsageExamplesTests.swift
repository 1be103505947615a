import Foundation
import Testing
@testable import OctoFCGI

@Suite struct UsageExamplesTests {
    /// The sample service's document plus a form endpoint (file + text field), with a hostile path quote.
    static var document: JSONValue {
        guard case var .object(top) = OpenAPIGenerator.document(for: OpenAPISamples.api),
            let index = top.firstIndex(where: { $0.0 == "paths" }), case var .object(paths) = top[index].1
        else { return .null }
        let form: JSONValue = [
            "type": "object", "required": ["file", "label"],
            "properties": ["file": ["type": "string", "format": "binary"], "label": ["type": "string"]],
        ]
        paths.append(("/up'load", ["post": ["summary": "Upload", "requestBody": ["content": ["multipart/form-data": ["schema": form]]]]]))
        top[index].1 = .object(paths)
        return .object(top)
    }

    func check(_ tool: String, _ arguments: [String], script: String, suffix: String) throws {
        let path = NSTemporaryDirectory() + "octoai-usage-\(UUID().uuidString)" + suffix
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments + [path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) rejected:\n\(script)")
    }

    @Test func curlCoversEveryEndpointAndParses() throws {
        let script = try UsageExamples.render(.curl, document: Self.document)
        #expect(script.contains(#""${OCTOAI_URL}"'/infer'"#))
        #expect(script.contains(#""${OCTOAI_URL}"'/tokenize'"#))
        #expect(script.contains(#""${OCTOAI_URL}"'/up'\''load'"#))
        #expect(script.contains("-F 'file=@example.bin'"))
        #expect(script.contains(#"-d '{"text":"example","max_tokens":16,"mood":"calm","tags":[{"label":"example"}],"extra":null,"note":null}'"#))
        try check("bash", ["-n"], script: script, suffix: ".sh")
    }

    @Test func pythonCoversEveryEndpointAndCompiles() throws {
        let script = try UsageExamples.render(.python, document: Self.document)
        #expect(script.contains(#"post_json("/tokenize", {"text": "example", "max_tokens": 16, "mood": "calm", "tags": [{"label": "example"}], "extra": None, "note": None})"#))
        #expect(script.contains(#"post_form("/up'load", {"label": "example"}, {"file": ("example.bin", b"example file contents")})"#))
        try check("python3", ["-m", "py_compile"], script: script, suffix: ".py")
    }

    @Test func pythonLiterals() {
        #expect(UsageExamples.pythonLiteral([
            "a": nil, "b": true, "c": [1, 2.5], "d": "q\"\n",
        ]) == #"{"a": None, "b": True, "c": [1, 2.5], "d": "q\"\n"}"#)
    }
}
