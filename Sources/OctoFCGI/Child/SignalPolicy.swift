import Glibc

/// Every `octoai` process's signal set-up, applied before any thread starts and
/// before libfcgi's `FCGX_Init` (which takes over SIGPIPE, SIGUSR1 and SIGTERM
/// wherever it finds the default disposition).
///
/// - SIGPIPE and SIGUSR1 are ignored: a client that went away is an error return,
///   not a dead process.
/// - SIGTERM, SIGINT and SIGHUP get a no-op handler (so libfcgi leaves them alone)
///   and are blocked in every thread; one place per process waits for them
///   synchronously (`sigwait` in children, the supervisor's event loop).
enum SignalPolicy {
    static let controlSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    static func install() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGUSR1, SIG_IGN)
        for sig in controlSignals { signal(sig, { _ in }) }
        var set = sigset_t()
        sigemptyset(&set)
        for sig in controlSignals { sigaddset(&set, sig) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Blocks the calling thread until one of the control signals arrives.
    static func wait() -> Int32 {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in controlSignals { sigaddset(&set, sig) }
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }
}
