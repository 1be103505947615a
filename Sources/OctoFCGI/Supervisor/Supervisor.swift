import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Write end of the supervisor's self-pipe; signal handlers can only capture globals.
nonisolated(unsafe) private var signalPipeWrite: Int32 = -1

/// `octoai fcgi`: binds the socket, starts the model owner and the responders,
/// restarts whatever dies, owns the lifecycle state and handles signals.
///
/// It is a single-threaded event loop over `poll`: signals (through a self-pipe),
/// children's report pipes and timers (restart backoff, drain deadlines). No
/// Swift concurrency, no locks: every decision about processes is made here, in order.
public final class Supervisor {
    let config: SupervisorConfig
    let service: ServiceDescriptor
    let logger = Logger(label: "octoai.supervisor")
    let status: SharedStatus
    let runtimeDirectory: String
    var listenFD: Int32 = -1
    var lifelineRead: Int32 = -1
    var lifelineWrite: Int32 = -1
    var signalPipeRead: Int32 = -1

    var children: [pid_t: ChildProcess] = [:]
    /// Starts waiting for their time: (when, role, index).
    var scheduled: [(at: UInt64, role: ChildConfig.Role, index: Int)] = []
    var ownerBackoff = Backoff()
    var responderBackoff = Backoff()
    var setupFailures = 0
    var shutdown: (exitCode: Int32, deadline: UInt64, ownerSignalled: Bool)?

    var state: LifecycleState = .uninitialized {
        didSet {
            guard state != oldValue else { return }
            status.state = state
            logger.info("status: \(oldValue.name) -> \(state.name)")
        }
    }

    public init(config: SupervisorConfig, service: ServiceDescriptor) throws {
        self.config = config
        self.service = service
        self.status = try SharedStatus.create()
        guard let dir = Supervisor.makeRuntimeDirectory() else { throw ConfigurationError("cannot create a runtime directory in \(NSTemporaryDirectory())") }
        self.runtimeDirectory = dir
    }

    var ownerSocket: String { runtimeDirectory + "/model-owner.sock" }

    /// A private (0700) directory for the model owner's socket: no other user can reach the model.
    static func makeRuntimeDirectory() -> String? {
        var template = Array("/tmp/octoai-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let p = mkdtemp(buffer.baseAddress!) else { return nil }
            return String(cString: p)
        }
    }

    /// Runs until shut down; returns the process exit status (0, or 1 when `setup()` failed).
    public func run() throws -> Int32 {
        try openListener()
        try openPipes()
        ProcessTitle.set("octoai: supervisor")
        if config.asyncEnable {
            state = .launchPredictLoop
            startChild(.modelOwner, index: 0)
        } else {
            state = .setupService
        }
        for index in 1...config.workers { startChild(.responder, index: index) }
        while !finished() { step() }
        state = .stopped
        cleanUp()
        return shutdown?.exitCode ?? 0
    }

    func openListener() throws {
        switch config.endpoint {
        case let .unix(path, mode):
            listenFD = try UnixSocket.listen(path: path, mode: mode_t(mode))
            logger.info("listening on unix:\(path) (\(config.transport))")
        case let .tcp(host, port):
            listenFD = try UnixSocket.listenTCP(host: host, port: port)
            logger.info("listening on \(host):\(port) (\(config.transport))")
        }
        listenFD = ProcessSpawner.moveHigh(listenFD)
    }

    func openPipes() throws {
        let lifeline = try UnixSocket.makePipe()
        let signals = try UnixSocket.makePipe(nonBlocking: true)
        lifelineRead = ProcessSpawner.moveHigh(lifeline.read)
        lifelineWrite = lifeline.write
        signalPipeRead = signals.read
        signalPipeWrite = signals.write
        let forward: @convention(c) (Int32) -> Void = { sig in
            var byte = UInt8(truncatingIfNeeded: sig)
            _ = write(signalPipeWrite, &byte, 1)
        }
        signal(SIGPIPE, SIG_IGN)
        // Whoever started us may have left these blocked (the mask survives exec).
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGCHLD] {
            signal(sig, forward)
            sigaddset(&set, sig)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    func cleanUp() {
        if case let .unix(path, _) = config.endpoint { unlink(path) }
        unlink(ownerSocket)
        rmdir(runtimeDirectory)
    }
}
