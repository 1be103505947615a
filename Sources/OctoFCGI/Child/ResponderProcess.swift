import Foundation
import Logging

import Glibc

/// A responder: accepts requests from nginx on the inherited listening socket,
/// answers the contract's built-in routes itself and sends inference to the model
/// owner (async mode) or runs it in-process (sync mode). On SIGTERM it finishes
/// the requests in flight (the supervisor has already stopped the socket
/// accepting), bounded by the drain timeout, and exits 0.
enum ResponderProcess {
    static func run(config: ChildConfig, service: ServiceDescriptor) -> Never {
        let inherited = ChildRuntime.start()
        let logger = Logger(label: "octoai.responder.\(config.index)")
        do {
            guard let status = inherited else { throw ConfigurationError("cannot map the shared status page") }
            if config.metrics { SharedMetricsFactory.bootstrap(SharedMetrics(page: status), endpoints: service.api.endpoints.map(\.path)) }
            var syncBackend: InProcessBackend?
            var host: (any ServiceHosting)?
            let backend: any InferenceBackend
            if config.asyncEnable {
                let client = ModelOwnerClient(socketPath: config.ownerSocket, status: status, requestTimeout: config.requestTimeout)
                // As many as the threads that are always there; a burst's extra ones go once it is over.
                IdleMemoryTrimmer.whenQuiet { [threads = config.threads] in client.closeIdleConnections(keeping: threads) }
                backend = client
            } else {
                let h = service.makeHost()
                let b = InProcessBackend(
                    runner: InferenceRunner(host: h, logger: logger), maxConcurrency: config.modelConcurrency,
                    maxQueue: config.maxQueue, requestTimeout: config.requestTimeout)
                b.startWatchdog()
                (host, syncBackend, backend) = (h, b, b)
            }
            let router = Router(
                api: service.api, document: service.document, status: status, asyncEnable: config.asyncEnable, backend: backend, logger: logger,
                replicaName: ProcessInfo.processInfo.environment["OCTOAI_REPLICA_NAME"], docs: config.docs,
                metrics: config.metrics ? SharedMetrics(page: status) : nil, limits: config.contentLimits,
                futures: FutureStore(runtime: (config.ownerSocket as NSString).deletingLastPathComponent, config: config.serve))
            let transport: any Transport = makeTransport(config)
            try transport.start(handler: router.handle)
            if let host, let syncBackend { setUpInProcess(host, syncBackend, logger) }
            waitAndDrain(transport, host: host, timeout: config.drainTimeout, logger: logger)
        } catch {
            logger.error("responder failed to start: \(String(describing: error))")
            exit(1)
        }
    }

    static func makeTransport(_ config: ChildConfig) -> any Transport {
        let limits = config.transportLimits
        switch config.transport {
        case .fastcgi: return FastCGITransport(listenFD: InheritedFD.listener, threads: config.threads, limits: limits)
        case .scgi:
            return SCGITransport(
                listenFD: InheritedFD.listener, threads: config.threads, limits: limits, logger: Logger(label: "octoai.responder.\(config.index).scgi"))
        }
    }

    /// Sync mode: `setup()` runs here, while the transport already answers (503).
    static func setUpInProcess(_ host: any ServiceHosting, _ backend: InProcessBackend, _ logger: Logger) {
        Thread.detachNewThread {
            ChildRuntime.loadModel(host, logger: logger) { backend.markReady() }
        }
    }

    static func waitAndDrain(_ transport: any Transport, host: (any ServiceHosting)?, timeout: Double, logger: Logger) -> Never {
        while SignalPolicy.wait() != SIGTERM {}
        transport.beginClosing()
        let deadline = MonotonicClock.nanoseconds() + UInt64(max(0, timeout) * 1e9)
        // Done once nothing has been in flight for a moment: requests nginx sends
        // on connections it still holds are answered (and those connections closed).
        var quietSince = MonotonicClock.nanoseconds()
        while MonotonicClock.nanoseconds() < deadline {
            if transport.inFlight > 0 { quietSince = MonotonicClock.nanoseconds() }
            if MonotonicClock.nanoseconds() - quietSince > 300_000_000 { break }
            usleep(5_000)
        }
        if transport.inFlight > 0 { logger.warning("drain timeout: \(transport.inFlight) request(s) still in flight") }
        if let host {
            try? ChildRuntime.runBlocking { try await host.onServerShutdown() }
        }
        exit(0)
    }
}
