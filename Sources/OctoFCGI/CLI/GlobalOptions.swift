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
        LogSetup.bootstrap(level: resolvedLogLevel)
        guard let serviceModule else { return try ServiceRegistry.select(serviceClass) }
        // The Python host logs at the level the command line asked for.
        setenv("OCTOAI_LOG_LEVEL", resolvedLogLevel.rawValue, 1)
        do {
            let interpreter = try PythonHost.interpreter(python)
            return try PythonHost.describe(interpreter: interpreter, module: serviceModule, serviceClass: serviceClass)
        } catch let failure as PythonHost.Failure {
            FileHandle.standardError.write(Data("octoai: \(failure)\n".utf8))
            throw ExitCode(1)
        } catch is PythonHost.DescribeFailed {
            throw ExitCode(1)
        }
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
