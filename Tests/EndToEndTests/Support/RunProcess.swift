import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `octoai --service-class S run --port P ARGS` (or a Python service's module) started by a test on a free
/// port (`SETUP_SECONDS=0`, its log in a temporary file), once `/healthcheck`
/// answers 200 or 20 s have passed; ``stop()`` sends SIGTERM and waits.
final class RunProcess {
    let process: Process
    let port: Int
    let log: String
    let client: HTTPClient

    /// `pythonModule`: serve that octoai-sdk module with the test venv's interpreter instead of `service`.
    init(_ arguments: [String], service: String = "EchoService", pythonModule: String? = nil, clientTimeout: Double = 20) throws {
        port = try Stack.freePort()
        log = NSTemporaryDirectory() + "run-\(UUID().uuidString).log"
        let serving = pythonModule.map { ["--service-module", $0, "--python", Stack.python] } ?? ["--service-class", service]
        process = try Stack.launch(
            Stack.executable, serving + ["run", "--port", String(port)] + arguments, environment: ["SETUP_SECONDS": "0"], log: log)
        client = HTTPClient(port: port, timeout: clientTimeout)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? client.get("/healthcheck"))?.status != 200 { usleep(20_000) }
    }

    /// SIGTERM, then the exit status once `run` has stopped nginx and the backend.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: log)
        return process.terminationStatus
    }
}
