import Logging

/// `--log-level` (env `OCTOAI_LOG_LEVEL`): the seed's names, case-insensitive.
package enum LogLevel: String, Codable, Sendable, CaseIterable {
    case error = "ERROR"
    case warning = "WARNING"
    case info = "INFO"
    case debug = "DEBUG"

    /// `ERROR`, `WARNING` (or `WARN`), `INFO`, `DEBUG`, in any case.
    package init?(name: String) {
        let upper = name.uppercased()
        guard let level = LogLevel(rawValue: upper == "WARN" ? "WARNING" : upper) else { return nil }
        self = level
    }

    /// The swift-log level this maps to.
    var logger: Logger.Level {
        switch self {
        case .error: .error
        case .warning: .warning
        case .info: .info
        case .debug: .debug
        }
    }
}
