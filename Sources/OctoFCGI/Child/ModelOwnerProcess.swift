import Foundation
import Logging

import Glibc

/// The model owner (async mode): the only process that calls `setup()` and
/// `infer()`. It reports its progress to the supervisor, serves framed calls on
/// the internal socket, and on SIGTERM (sent once the responders have drained)
/// runs `onServerShutdown()` and exits 0.
enum ModelOwnerProcess {
    static func run(config: ChildConfig, service: ServiceDescriptor) -> Never {
        let status = ChildRuntime.start()
        let logger = Logger(label: "octoai.model-owner")
        let host = service.makeHost()
        if let status { SharedMetricsFactory.bootstrap(SharedMetrics(page: status)) }
        ChildRuntime.loadModel(host, logger: logger) {
            let server = ModelOwnerServer(
                runner: InferenceRunner(host: host, logger: logger), endpointCount: service.api.endpoints.count, maxQueue: config.maxQueue,
                requestTimeout: config.requestTimeout,
                batching: service.batchesInference && config.maxBatchSize > 1 ? (config.maxBatchSize, config.maxBatchDelay) : nil,
                concurrency: config.modelConcurrency, logger: logger)
            try server.start(path: config.ownerSocket)
        }

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
