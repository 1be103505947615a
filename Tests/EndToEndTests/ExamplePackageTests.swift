import Foundation
import Testing

/// `Examples/HelloService`: a service in its own package, depending on this one
/// by path, built with SwiftPM and served through nginx with the full CLI.
@Suite struct ExamplePackageTests {
    static let package = CLITests.repository.appendingPathComponent("Examples/HelloService").path

    /// Builds the example (its own scratch directory, beside ours) and returns its binary.
    /// SwiftPM's incremental plan for a path dependency can go stale when source files of
    /// ours are added or deleted; a failed build is redone from scratch once.
    static func build() throws -> String {
        do {
            return try buildOnce()
        } catch is HTTPClient.Failure {
            try? FileManager.default.removeItem(at: CLITests.repository.appendingPathComponent(".build-examples"))
            return try buildOnce()
        }
    }

    static func buildOnce() throws -> String {
        let scratch = CLITests.repository.appendingPathComponent(".build-examples").path
        let swift = Process()
        swift.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        swift.arguments = ["swift", "build", "--package-path", package, "--scratch-path", scratch, "--product", "HelloService"]
        let log = scratch + ".log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        swift.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        swift.standardError = swift.standardOutput
        try swift.run()
        swift.waitUntilExit()
        guard swift.terminationStatus == 0 else {
            throw HTTPClient.Failure(description: "building Examples/HelloService failed:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        return scratch + "/debug/HelloService"
    }

    @Test(.timeLimit(.minutes(15))) func ownPackageServesThroughNginx() throws {
        var options = Stack.Options()
        options.executable = try Self.build()
        options.service = ""
        let stack = try Stack(options)
        defer { stack.stop() }
        let hello = try stack.client.post("/infer", json: #"{"name":"Ada","excited":true}"#)
        #expect(hello.object["output"] as? String == "Hello, Ada!")
        #expect(try stack.client.post("/infer", json: #"{"name":""}"#).text == #"{"detail":"name must not be empty"}"#)
        #expect(try stack.client.post("/count-words", json: #"{"text":"one two  three"}"#).object["output"] as? Int == 3)
        #expect(try stack.client.post("/count-words", json: #"{"text":1}"#).status == 422)
        #expect(try stack.client.get("/count-words").status == 405)
        let photo = try stack.client.postForm("/photo", [.file(name: "image", filename: "p.png", contentType: "image/png", data: [1, 2, 3])])
        #expect((photo.object["output"] as? [String: Any])?["bytes"] as? Int == 3)
        #expect(Stack.commandLine(stack.backend.processIdentifier) == "octoai: supervisor")
        let schema = try CLI.run(["api-schema"], service: nil, executable: options.executable)
        #expect(schema.stdout.contains("\"/photo\"") && schema.stdout.contains("Who to greet."))
    }
}
