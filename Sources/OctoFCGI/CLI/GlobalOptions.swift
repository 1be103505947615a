import ArgumentParser
import Foundation

/// Options every command takes (given before or after the command name).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "ERROR, WARNING, INFO or DEBUG (env OCTOAI_LOG_LEVEL; default INFO). Logs go to stderr.")
    var logLevel: String?

    @Option(name: .long, help: "Which service of this binary to serve (default: the first).")
    var serviceClass: String?

    /// `--log-level`, else `OCTOAI_LOG_LEVEL`, else INFO (``validate()`` refused anything else).
    var resolvedLogLevel: LogLevel {
        (logLevel ?? ProcessInfo.processInfo.environment["OCTOAI_LOG_LEVEL"]).flatMap(LogLevel.init(name:)) ?? .info
    }

    mutating func validate() throws {
        if let level = logLevel ?? ProcessInfo.processInfo.environment["OCTOAI_LOG_LEVEL"], LogLevel(name: level) == nil {
            throw ValidationError("invalid log level \"\(level)\"; use ERROR, WARNING, INFO or DEBUG")
        }
    }

    /// Sets up logging and returns the selected service.
    func start() throws -> ServiceDescriptor {
        LogSetup.bootstrap(level: resolvedLogLevel)
        return try ServiceRegistry.select(serviceClass)
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
