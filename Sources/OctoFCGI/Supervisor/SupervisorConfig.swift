/// How `octoai fcgi` / `octoai scgi` was asked to run.
public struct SupervisorConfig: Sendable {
    /// Where nginx connects: a Unix-domain socket path, or `HOST:PORT` with `--listen`.
    public enum Endpoint: Sendable, Equatable {
        case unix(path: String, mode: UInt32)
        case tcp(host: String, port: UInt16)
    }

    public var endpoint: Endpoint
    public var transport: String = "fastcgi"
    public var workers: Int
    public var threads: Int
    public var asyncEnable: Bool
    public var maxBodySize: Int
    public var drainTimeout: Double
    public var setupRetries: Int
    public var logLevel: String

    public init(endpoint: Endpoint, workers: Int, threads: Int, asyncEnable: Bool, maxBodySize: Int, drainTimeout: Double, setupRetries: Int, logLevel: String) {
        self.endpoint = endpoint
        self.workers = max(1, workers)
        self.threads = max(1, threads)
        self.asyncEnable = asyncEnable
        self.maxBodySize = maxBodySize
        self.drainTimeout = drainTimeout
        self.setupRetries = max(0, setupRetries)
        self.logLevel = logLevel
    }
}
