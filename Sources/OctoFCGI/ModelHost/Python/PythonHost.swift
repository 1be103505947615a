import Foundation
import Glibc

/// The Python model-owner host this binary ships (the `octoai_fcgi` package
/// beside this file, embedded in the binary with SwiftPM's `embedInCode`, so an
/// operator copies only `octoai` to a host), and how octoai runs it: with the
/// user's own interpreter, which must have octoai-sdk; the package is written to
/// a private directory and put on that interpreter's `PYTHONPATH`.
/// `README.md` beside this file is the interface between the two sides.
package enum PythonHost {
    /// The package's files (a test checks this list against the folder).
    static let files: [(name: String, bytes: [UInt8])] = [
        ("__init__.py", PackageResources.__init___py), ("__main__.py", PackageResources.__main___py),
        ("answers.py", PackageResources.answers_py), ("asgi.py", PackageResources.asgi_py),
        ("batcher.py", PackageResources.batcher_py), ("calls.py", PackageResources.calls_py),
        ("child.py", PackageResources.child_py), ("discovery.py", PackageResources.discovery_py),
        ("examples.py", PackageResources.examples_py), ("fastapi_behaviour.py", PackageResources.fastapi_behaviour_py),
        ("fixed_schemas.py", PackageResources.fixed_schemas_py), ("form.py", PackageResources.form_py),
        ("handlers.py", PackageResources.handlers_py), ("ipc.py", PackageResources.ipc_py), ("metrics.py", PackageResources.metrics_py),
        ("owner.py", PackageResources.owner_py), ("proctitle.py", PackageResources.proctitle_py),
        ("schema.py", PackageResources.schema_py), ("streaming.py", PackageResources.streaming_py),
        ("validation.py", PackageResources.validation_py),
    ]

    /// Why a Python service cannot be served; the message is the whole line to show.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// The interpreter to run: `chosen` (`--python`), else `OCTOAI_PYTHON`, else
    /// `$VIRTUAL_ENV/bin/python`, else the first `python3` on `PATH`.
    package static func interpreter(_ chosen: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let explicit = chosen ?? environment["OCTOAI_PYTHON"] {
            let path = explicit.contains("/") ? explicit : search(explicit, in: environment["PATH"])
            guard let path, access(path, X_OK) == 0 else { throw Failure(description: "the Python interpreter \(explicit) is not an executable") }
            return path
        }
        if let venv = environment["VIRTUAL_ENV"], access(venv + "/bin/python", X_OK) == 0 { return venv + "/bin/python" }
        guard let found = search("python3", in: environment["PATH"]) else {
            throw Failure(description: "no Python interpreter: give --python PATH (or OCTOAI_PYTHON), activate a virtualenv, or put python3 on PATH")
        }
        return found
    }

    static func search(_ name: String, in path: String?) -> String? {
        (path ?? "").split(separator: ":").map { $0 + "/" + name }.first { access($0, X_OK) == 0 }
    }

    /// Writes the package into a new private (0700) directory and returns it.
    static func install() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/octoai-python-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure(description: "cannot create a directory in \(NSTemporaryDirectory()) for the Python host")
        }
        let directory = String(cString: made)
        let package = directory + "/octoai_fcgi"
        try FileManager.default.createDirectory(atPath: package, withIntermediateDirectories: false)
        for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: package + "/" + name)) }
        return directory
    }

    /// What runs `mode` of the host for `module`: the interpreter's path, its
    /// arguments (argv[0] first) and its environment (`environment` with the
    /// host's directory first on `PYTHONPATH`; the host takes it off again).
    package static func command(_ module: PythonModule, _ mode: [String], environment: [String: String]) -> (path: String, arguments: [String], environment: [String: String]) {
        var arguments = [module.interpreter, "-m", "octoai_fcgi", "--service-module", module.module]
        if let serviceClass = module.serviceClass { arguments += ["--service-class", serviceClass] }
        var environment = environment
        environment["PYTHONPATH"] = [module.hostDirectory, environment["PYTHONPATH"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
        return (module.interpreter, arguments + mode, environment)
    }

    /// Runs a one-shot `mode` (`setup-service`, `store-assets`, `describe`) in the
    /// foreground, its stderr passed through; returns its exit status.
    package static func run(_ module: PythonModule, _ mode: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int32 {
        let (path, arguments, environment) = command(module, mode, environment: environment)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// Installs the host and returns the service as it describes it: from the
    /// describe cache when everything the description was made from is unchanged
    /// (``PythonDescriptionCache``: the import the model owner does anyway is then
    /// the only one before serving), else by running `describe`. The host says
    /// what is wrong itself (one `octoai: ...` line on stderr); a failure here
    /// means it has.
    package static func describe(
        interpreter: String, module: String, serviceClass: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServiceDescriptor {
        let python: PythonModule
        switch try prepare(interpreter: interpreter, module: module, serviceClass: serviceClass, environment: environment) {
        case let .described(service): return service
        case let .undescribed(module): python = module
        }
        let inputs = python.describeCacheEntry == nil ? [] : ["--inputs", python.inputsPath]
        let status = try run(python, ["describe", "--output", python.descriptionPath] + inputs, environment: environment)
        guard status == 0 else {
            try? FileManager.default.removeItem(atPath: python.hostDirectory)
            throw DescribeFailed(status: status)
        }
        return try described(python)
    }

    /// A Python service once the host is installed: described already (a current
    /// describe-cache entry), or not yet.
    package enum Prepared {
        case described(ServiceDescriptor)
        /// Nothing has described it: `describe` must, or the first model owner
        /// (``PythonModule/describedByOwner``).
        case undescribed(PythonModule)
    }

    /// Installs the host and restores the service's description from the describe
    /// cache when it is current; no Python runs here.
    package static func prepare(
        interpreter: String, module: String, serviceClass: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Prepared {
        var python = PythonModule(interpreter: interpreter, module: module, serviceClass: serviceClass, hostDirectory: try install())
        let cache = PythonDescriptionCache(python, environment: environment)
        if let cache, cache.restore(to: python.descriptionPath), let service = try? PythonServiceDescription.load(python) {
            return .described(service)
        }
        python.describeCacheEntry = cache?.entryPath
        return .undescribed(python)
    }

    /// Reads the description `describe` or the first model owner wrote for
    /// `python`, and keeps it in the describe cache with what it was made from.
    package static func described(_ python: PythonModule) throws -> ServiceDescriptor {
        var kept = python
        (kept.describedByOwner, kept.describeCacheEntry) = (false, nil)
        let service = try PythonServiceDescription.load(kept)
        if let entry = python.describeCacheEntry {
            PythonDescriptionCache(entryPath: entry).save(description: python.descriptionPath, inputs: python.inputsPath)
        }
        try? FileManager.default.removeItem(atPath: python.inputsPath)
        return service
    }

    /// `describe` failed; it has already said why.
    package struct DescribeFailed: Error {
        package var status: Int32
    }
}
