/// The server's lifecycle, with the Python seed's state names (CONTRACT §3).
///
/// Only `running` serves inference and answers `/healthcheck` with 200.
package enum LifecycleState: Int, Sendable, CaseIterable, CustomStringConvertible {
    case uninitialized = 0
    /// The model owner process is starting.
    case launchPredictLoop = 1
    /// `Service.setup()` is running.
    case setupService = 2
    case running = 3
    case shuttingDown = 4
    case stopped = 5

    /// The name clients see in `/healthcheck` and 503 bodies.
    package var name: String {
        switch self {
        case .uninitialized: "UNINITIALIZED"
        case .launchPredictLoop: "LAUNCH_PREDICT_LOOP"
        case .setupService: "SETUP_SERVICE"
        case .running: "RUNNING"
        case .shuttingDown: "SHUTTING_DOWN"
        case .stopped: "STOPPED"
        }
    }

    package var description: String { name }
}
