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

    /// The describe cache: an entry is used while every listed file is unchanged, and not after
    /// one changes; its key changes with the module, the class, the folder and the environment.
    @Test func theDescribeCacheServesOnlyWhileWhatItWasMadeFromIsUnchanged() throws {
        let root = NSTemporaryDirectory() + "octoai-describe-cache-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let module = PythonModule(interpreter: "/bin/sh", module: "service", serviceClass: nil, hostDirectory: root)
        let environment = ["XDG_CACHE_HOME": root + "/cache", "A": "1"]
        let cache = try #require(PythonDescriptionCache(module, environment: environment, workingDirectory: root))
        #expect(PythonDescriptionCache(module, environment: environment.merging(["OCTOAI_DESCRIBE_CACHE": "0"]) { $1 }) == nil)
        #expect(PythonDescriptionCache(module, environment: ["PATH": "/bin"]) == nil)  // no home: no cache
        let other = [
            PythonDescriptionCache(module, environment: environment.merging(["A": "2"]) { $1 }, workingDirectory: root),
            PythonDescriptionCache(module, environment: environment, workingDirectory: root + "/x"),
            PythonDescriptionCache(PythonModule(interpreter: "/bin/sh", module: "other", serviceClass: nil, hostDirectory: root),
                                   environment: environment, workingDirectory: root),
            PythonDescriptionCache(PythonModule(interpreter: "/bin/sh", module: "service", serviceClass: "C", hostDirectory: root),
                                   environment: environment, workingDirectory: root),
        ]
        #expect(Set(other.map { $0?.key }).count == 4 && !other.contains { $0?.key == cache.key })
        #expect(PythonDescriptionCache(module, environment: environment.merging(["_": "/usr/bin/env"]) { $1 }, workingDirectory: root)?.key == cache.key)

        let source = root + "/service.py"
        try Data("x = 1\n".utf8).write(to: URL(fileURLWithPath: source))
        let st = PythonDescriptionCache.stamp(source)
        try Data("[[\"\(source)\",\(st.mtime),\(st.size)],[\"\(root)/missing\",-1,-1]]".utf8).write(to: URL(fileURLWithPath: root + "/inputs.json"))
        try Data("{\"service_class\":\"S\"}".utf8).write(to: URL(fileURLWithPath: root + "/description.json"))
        #expect(!cache.restore(to: root + "/restored.json"))
        cache.save(description: root + "/description.json", inputs: root + "/inputs.json")
        #expect(cache.restore(to: root + "/restored.json"))
        #expect(FileManager.default.contents(atPath: root + "/restored.json") == Data("{\"service_class\":\"S\"}".utf8))
        try Data("x = 22\n".utf8).write(to: URL(fileURLWithPath: source))  // edited: a miss
        #expect(!cache.restore(to: root + "/restored2.json"))
        let edited = PythonDescriptionCache.stamp(source)
        try Data("[[\"\(source)\",\(edited.mtime),\(edited.size)],[\"\(root)/missing\",-1,-1]]".utf8).write(to: URL(fileURLWithPath: root + "/inputs.json"))
        cache.save(description: root + "/description.json", inputs: root + "/inputs.json")
        #expect(cache.restore(to: root + "/restored2.json"))
        #expect(FileManager.default.createFile(atPath: root + "/missing", contents: Data()))  // a new file where there was none
        #expect(!cache.restore(to: root + "/restored3.json"))
    }
}
