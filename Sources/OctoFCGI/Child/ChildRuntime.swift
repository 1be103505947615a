import Foundation
import Logging
import Synchronization

import Glibc

/// What every child process does the same way.
enum ChildRuntime {
    /// The start-up sequence every child begins with, before any thread of its
    /// own starts: the signal policy (libfcgi's `FCGX_Init` must come after it),
    /// the lifeline, the memory trimmer (``IdleMemoryTrimmer``: the children reuse
    /// large buffers, ``MallocPolicy``), and the shared status page (nil only if it
    /// cannot be mapped).
    static func start() -> SharedStatus? {
        SignalPolicy.install()
        watchLifeline()
        IdleMemoryTrimmer.start()
        return try? SharedStatus.inherited()
    }

    /// Loads the model in a model-owning child (the model owner; a responder in
    /// sync mode), reporting to the supervisor: `setup()`, then
    /// `onServerStartup()`, then `ready` (which serves). A failure is logged and
    /// reported, and the process exits 1.
    static func loadModel(_ host: any ServiceHosting, logger: Logger, ready: () throws -> Void) {
        ChildReport.setupStarted.send()
        do {
            try runBlocking { try await host.setup() }
            try runBlocking { try await host.onServerStartup() }
            try ready()
        } catch {
            logger.error("setup failed: \(String(describing: error))")
            ChildReport.setupFailed(String(describing: error)).send()
            exit(1)
        }
        ChildReport.running.send()
    }

    /// Exits this process as soon as the supervisor is gone (the lifeline pipe
    /// reads EOF), so a `kill -9` of the supervisor leaves no orphans serving.
    static func watchLifeline() {
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while true {
                let n = read(InheritedFD.lifeline, &byte, 1)
                if n == 0 || (n < 0 && errno != EINTR) { _exit(0) }
            }
        }
    }

    /// Runs async work to completion from a plain thread (children are driven
    /// by blocking threads; only service hooks are async).
    static func runBlocking(_ body: @escaping @Sendable () async throws -> Void) throws {
        let failure = ErrorBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await body() } catch { failure.error.withLock { $0 = error } }
            done.signal()
        }
        done.wait()
        if let error = failure.error.withLock({ $0 }) { throw error }
    }

    /// What the task threw, for the thread that waits for it.
    private final class ErrorBox: Sendable {
        let error = Mutex<(any Error)?>(nil)
    }
}
