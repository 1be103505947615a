import Foundation
import Logging
import Synchronization

import Glibc

/// Write end of the supervisor's self-pipe; signal handlers can only reach
/// globals, and an atomic load is async-signal-safe.
private let signalPipeWrite = Atomic<Int32>(-1)

/// `octoai fcgi`: binds the socket, starts the model owner and the responders,
/// restarts whatever dies, owns the lifecycle state and handles signals.
///
/// It is a single-threaded event loop over `poll`: signals (through a self-pipe),
/// children's report pipes and timers (restart backoff, drain deadlines). No
/// Swift concurrency, no locks: every decision about processes is made here, in order.
package final class Supervisor {
    /// What it serves; a Python service's name and module are filled in once its first model owner described it.
    var config: ServeConfiguration
    /// Nil until the first model owner of a Python service nothing described
    /// before has described it (``PythonModule/describedByOwner``).
    var service: ServiceDescriptor?
    let logger = Logger(label: "octoai.supervisor")
    let status: SharedStatus
    let runtimeDirectory: String
    /// The listening socket of each live generation (a reload binds a new one).
    var listeners: [Int: Int32] = [:]
    /// The generation serving (its children are restarted when they die).
    var generation = 1
    /// A reload in progress: the generation coming up and its socket's temporary path.
    var reload: (generation: Int, path: String)?
    /// Generations draining after a reload.
    var retiring: Set<Int> = []
    var lifelineRead: Int32 = -1
    var lifelineWrite: Int32 = -1
    var signalPipeRead: Int32 = -1

    var children: [pid_t: ChildProcess] = [:]
    /// Starts waiting for their time.
    var scheduled: [(at: UInt64, role: ChildConfig.Role, index: Int, generation: Int)] = []
    /// Old generations to retire once the new socket has taken over.
    var retireAt: [(at: UInt64, generation: Int)] = []
    var ownerBackoff = Backoff()
    var responderBackoff = Backoff()
    var setupFailures = 0
    var shutdown: (exitCode: Int32, deadline: UInt64, ownerSignalled: Bool)?
    /// systemd's `Type=notify` readiness protocol, when started with `NOTIFY_SOCKET`.
    let notifier = SystemdNotifier()
    /// Runs the calls posted with `X-OctoAI-Async: 1` (async mode; in sync mode the responders do).
    var futures: FuturesDispatcher?

    var state: LifecycleState = .uninitialized {
        didSet {
            guard state != oldValue else { return }
            status.state = state
            logger.info("status: \(oldValue.name) -> \(state.name)")
            notifier?.stateChanged(to: state)
        }
    }

    /// A supervisor for `service`, or, when it is nil, for the Python service
    /// `config.python` names, which its first model owner describes.
    package init(config: ServeConfiguration, service: ServiceDescriptor?) throws {
        self.config = config
        self.service = service
        self.status = try SharedStatus.create()
        guard let dir = Supervisor.makeRuntimeDirectory() else { throw ConfigurationError("cannot create a runtime directory in \(NSTemporaryDirectory())") }
        self.runtimeDirectory = dir
    }

    func ownerSocket(_ generation: Int) -> String { runtimeDirectory + "/model-owner-\(generation).sock" }

    /// A private (0700) directory for the model owner's socket: no other user can reach the model.
    static func makeRuntimeDirectory() -> String? {
        var template = Array("/tmp/octoai-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let p = mkdtemp(buffer.baseAddress!) else { return nil }
            return String(cString: p)
        }
    }

    /// Runs until shut down; returns the process exit status (0, or 1 when `setup()` failed).
    package func run() throws -> Int32 {
        try openPipes()
        ProcessTitle.set("octoai: supervisor")
        // Before any child starts: they inherit the policy.
        if config.schedBatch, !SchedulingPolicy.useBatch() { logger.warning("SCHED_BATCH refused (\(String(cString: strerror(errno)))): running under the default policy") }
        SharedMetricsFactory.bootstrap(SharedMetrics(page: status))
        if service == nil, let code = describeWithFirstOwner() {
            cleanUp(listened: false)
            return code
        }
        do {
            try openListener()
            try startFutures()
        } catch {
            stopFirstOwner()
            cleanUp(listened: false)
            throw error
        }
        if config.asyncEnable {
            // The first owner may have described the service and gone on to `setup()` already.
            let firstOwner = children.values.first { $0.role == .modelOwner }
            state = firstOwner?.setupStarted == true ? .setupService : .launchPredictLoop
            if firstOwner == nil { startChild(.modelOwner, index: 0, generation: generation) } else { updateReadiness() }
        } else {
            state = .setupService
        }
        for index in 1...config.workers { startChild(.responder, index: index, generation: generation) }
        while !finished() { step() }
        state = .stopped
        cleanUp()
        return shutdown?.exitCode ?? 0
    }

    func openListener() throws {
        switch config.endpoint {
        case let .unix(path, mode):
            listeners[generation] = Descriptor.moveHigh(try UnixSocket.listen(path: path, mode: mode_t(mode)))
            if let group = config.socketGroup { try UnixSocket.setGroup(path: path, name: group) }
            logger.info("listening on unix:\(path) (\(config.transport))")
            try? "\(getpid())\n".write(toFile: Supervisor.pidFile(socket: path), atomically: true, encoding: .utf8)
        case let .tcp(host, port):
            listeners[generation] = Descriptor.moveHigh(try UnixSocket.listenTCP(host: host, port: port))
            logger.info("listening on \(host):\(port) (\(config.transport))")
            try? "\(getpid())\n".write(toFile: endpointPidFile, atomically: true, encoding: .utf8)
        }
    }

    /// Makes the futures' store, and in async mode starts the dispatcher that runs
    /// them on the model owner: as many at a time as the model runs calls (a
    /// batching service's batch fills from several), so `running` means running
    /// and the rest wait, `pending`, in the store rather than in the owner's queue.
    func startFutures() throws {
        let store = FutureStore(runtime: runtimeDirectory, config: config)
        try store.create()
        guard config.asyncEnable else { return }
        guard let service else { return }
        let (status, config, logger) = (self.status, self.config, self.logger)
        let dispatcher = FuturesDispatcher(store: store, ownerSocket: ownerSocket(generation), status: status, logger: logger) { socket in
            Router(
                api: service.api, document: service.document, status: status, asyncEnable: true,
                backend: ModelOwnerClient(socketPath: socket, status: status, requestTimeout: config.requestTimeout), logger: logger)
        }
        try dispatcher.start(workers: config.modelConcurrency * (service.batchesInference ? min(config.maxBatchSize, 8) : 1))
        futures = dispatcher
    }

    /// Where `octoai reload --socket PATH` finds the supervisor.
    static func pidFile(socket: String) -> String { socket + ".pid" }

    func openPipes() throws {
        let lifeline = try UnixSocket.makePipe()
        let signals = try UnixSocket.makePipe(nonBlocking: true)
        lifelineRead = Descriptor.moveHigh(lifeline.read)
        lifelineWrite = lifeline.write
        signalPipeRead = signals.read
        signalPipeWrite.store(signals.write, ordering: .releasing)
        let forward: @convention(c) (Int32) -> Void = { sig in
            var byte = UInt8(truncatingIfNeeded: sig)
            _ = write(signalPipeWrite.load(ordering: .acquiring), &byte, 1)
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

    /// Removes what this supervisor made; the socket and pid files only when it
    /// `listened` (else they are someone else's, or nothing).
    func cleanUp(listened: Bool = true) {
        if listened, case let .unix(path, _) = config.endpoint {
            unlink(path)
            unlink(Supervisor.pidFile(socket: path))
        } else if listened {
            unlink(endpointPidFile)
        }
        if let reload, !reload.path.isEmpty { unlink(reload.path) }
        if let python = config.python { try? FileManager.default.removeItem(atPath: python.hostDirectory) }
        try? FileManager.default.removeItem(atPath: FutureStore(runtime: runtimeDirectory, config: config).directory)
        if let names = try? FileManager.default.contentsOfDirectory(atPath: runtimeDirectory) {
            for name in names { unlink(runtimeDirectory + "/" + name) }
        }
        rmdir(runtimeDirectory)
    }
}
