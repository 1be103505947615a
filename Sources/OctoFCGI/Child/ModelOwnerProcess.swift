import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The model owner (async mode): the only process that calls `setup()` and
/// `infer()`. It reports its progress to the supervisor, serves framed calls on
/// the internal socket, and on SIGTERM (sent once the responders have drained)
/// runs `onServerShutdown()` and exits 0.
enum ModelOwnerProcess {
    static func run(config: ChildConfig, service: ServiceDescriptor) -> Never {
        SignalPolicy.install()
        ChildRuntime.watchLifeline()
        let logger = Logger(label: "octoai.model-owner")
        let host = service.makeHost()
        if let status = try? SharedStatus.inherited() { SharedMetricsFactory.bootstrap(SharedMetrics(page: status)) }

        ChildReport.setupStarted.send()
        do {
            try ChildRuntime.runBlocking { try await host.setup() }
            try ChildRuntime.runBlocking { try await host.onServerStartup() }
            let server = ModelOwnerServer(
                runner: InferenceRunner(host: host, logger: logger), endpointCount: service.api.endpoints.count, maxQueue: config.maxQueue,
                requestTimeout: config.requestTimeout,
                batching: service.batchesInference && config.maxBatchSize > 1 ? (config.maxBatchSize, config.maxBatchDelay) : nil,
                concurrency: config.modelConcurrency, logger: logger)
            try server.start(path: config.ownerSocket)
        } catch {
            logger.error("setup failed: \(String(describing: error))")
            ChildReport.setupFailed(String(describing: error)).send()
            exit(1)
        }
        ChildReport.running.send()

        // SIGINT reaches the whole process group on Ctrl-C; only the supervisor acts on it.
        while SignalPolicy.wait() != SIGTERM {}
        do {
            try ChildRuntime.runBlocking { try await host.onServerShutdown() }
        } catch {
            logger.error("onServerShutdown failed: \(String(describing: error))")
        }
        unlink(config.ownerSocket)
        exit(0)
    }
}
