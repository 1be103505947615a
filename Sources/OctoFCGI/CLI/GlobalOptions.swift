import ArgumentParser
import Foundation

/// Options every command takes (given before or after the command name).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "ERROR, WARNING, INFO or DEBUG (env OCTOAI_LOG_LEVEL; default INFO). Logs go to stderr.")
    var logLevel: String?

    @Option(name: .long, help: "Which service to serve: of this binary (default: the first), or the class in --service-module (default: the seed's choice).")
    var serviceClass: String?

    @Option(name: .long, help: "Serve an octoai-sdk Python service: the module's name (imported from the current directory, as the seed does) or a .py file.")
    var serviceModule: String?

    @Option(name: .long, help: "The Python interpreter for --service-module (default: OCTOAI_PYTHON, $VIRTUAL_ENV/bin/python, python3 on PATH); it needs octoai-sdk.")
    var python: String?

    /// `--log-level`, else `OCTOAI_LOG_LEVEL`, else INFO (``validate()`` refused anything else).
    var resolvedLogLevel: LogLevel {
        (logLevel ?? ProcessInfo.processInfo.environment["OCTOAI_LOG_LEVEL"]).flatMap(LogLevel.init(name:)) ?? .info
    }

    mutating func validate() throws {
        if let level = logLevel ?? ProcessInfo.processInfo.environment["OCTOAI_LOG_LEVEL"], LogLevel(name: level) == nil {
            throw ValidationError("invalid log level \"\(level)\"; use ERROR, WARNING, INFO or DEBUG")
        }
    }

    /// Sets up logging and returns the selected service: one of this binary's, or
    /// the Python service `--service-module` names, described by its interpreter
    /// (what cannot be served is one `octoai: ...` line and exit status 1).
    func start() throws -> ServiceDescriptor {
        try startPython { try PythonHost.describe(interpreter: $0, module: $1, serviceClass: serviceClass) } ?? ServiceRegistry.select(serviceClass)
    }

    /// ``start()`` for the commands that serve: a Python service nothing has
    /// described yet (no current describe-cache entry) is left to its first model
    /// owner to describe, which the supervisor waits for before it listens.
    func startServing() throws -> ServiceChoice {
        let prepared = try startPython { try PythonHost.prepare(interpreter: $0, module: $1, serviceClass: serviceClass) }
        switch prepared {
        case nil: return .described(try ServiceRegistry.select(serviceClass))
        case let .described(service)?: return .described(service)
        case var .undescribed(python)?:
            python.describedByOwner = true
            return .describedByOwner(python)
        }
    }

    /// Bootstraps logging; for `--service-module`, runs `body` with the interpreter
    /// and the module and turns what the host refuses into exit status 1 (nil for
    /// one of this binary's services).
    private func startPython<T>(_ body: (String, String) throws -> T) throws -> T? {
        LogSetup.bootstrap(level: resolvedLogLevel)
        guard let serviceModule else { return nil }
        // The Python host logs at the level the command line asked for.
        setenv("OCTOAI_LOG_LEVEL", resolvedLogLevel.rawValue, 1)
        do {
            return try body(try PythonHost.interpreter(python), serviceModule)
        } catch let failure as PythonHost.Failure {
            FileHandle.standardError.write(Data("octoai: \(failure)\n".utf8))
            throw ExitCode(1)
        } catch is PythonHost.DescribeFailed {
            throw ExitCode(1)
        }
    }
}

/// The service a serving command serves: described already, or a Python service
/// its first model owner describes (``PythonModule/describedByOwner``).
enum ServiceChoice {
    case described(ServiceDescriptor)
    case describedByOwner(PythonModule)

    /// The descriptor, when it is known before serving.
    var descriptor: ServiceDescriptor? {
        if case let .described(service) = self { return service }
        return nil
    }
}

import Logging

/// A click-style boolean (`true/false`, `1/0`, `yes/no`, `on/off`, `t/f`, `y/n`), as the seed's CLI takes.
struct ClickBool: ExpressibleByArgument {
    var value: Bool
    init(_ value: Bool) { self.value = value }
    init?(argument: String) {
        switch argument.lowercased() {
        case "true", "1", "yes", "y", "on", "t": value = true
        case "false", "0", "no", "n", "off", "f": value = false
        default: return nil
        }
    }
    var defaultValueDescription: String { value ? "true" : "false" }
}
