import Foundation
import Testing

@testable import OctoFCGI

/// The Python host the binary carries, and how octoai finds an interpreter and runs it.
@Suite struct PythonHostTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/OctoFCGI/ModelHost/Python/octoai_fcgi")

    @Test func everyFileOfThePackageIsCarriedAsItIs() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".py") }.sorted()
        #expect(PythonHost.files.map(\.name).sorted() == names)
        for (name, bytes) in PythonHost.files {
            #expect(bytes == Array(try Data(contentsOf: Self.folder.appendingPathComponent(name))), "\(name) differs from the embedded copy")
        }
    }

    @Test func theInterpreterIsChosenInTheSeedUsersOrder() throws {
        let bin = NSTemporaryDirectory() + "octoai-python-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: bin + "/venv/bin", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: bin) }
        for path in [bin + "/python3", bin + "/venv/bin/python", bin + "/chosen"] {
            #expect(FileManager.default.createFile(atPath: path, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755]))
        }
        let path = ["PATH": bin]
        #expect(try PythonHost.interpreter(bin + "/chosen", environment: path) == bin + "/chosen")
        #expect(try PythonHost.interpreter(nil, environment: path.merging(["OCTOAI_PYTHON": bin + "/chosen", "VIRTUAL_ENV": bin + "/venv"]) { $1 }) == bin + "/chosen")
        #expect(try PythonHost.interpreter(nil, environment: path.merging(["VIRTUAL_ENV": bin + "/venv"]) { $1 }) == bin + "/venv/bin/python")
        #expect(try PythonHost.interpreter(nil, environment: path) == bin + "/python3")
        #expect(throws: PythonHost.Failure.self) { try PythonHost.interpreter(nil, environment: ["PATH": bin + "/nowhere"]) }
        #expect(throws: PythonHost.Failure.self) { try PythonHost.interpreter(bin + "/missing", environment: path) }
    }

    @Test func theHostRunsWithItsPackageFirstOnPythonPath() {
        let module = PythonModule(interpreter: "/usr/bin/python3", module: "service", serviceClass: "Echo", hostDirectory: "/tmp/h")
        let (path, arguments, environment) = PythonHost.command(module, ["serve"], environment: ["PYTHONPATH": "/mine"])
        #expect(path == "/usr/bin/python3")
        #expect(arguments == ["/usr/bin/python3", "-m", "octoai_fcgi", "--service-module", "service", "--service-class", "Echo", "serve"])
        #expect(environment["PYTHONPATH"] == "/tmp/h:/mine")
    }
}
