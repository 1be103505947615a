import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `octoai --service-class S run --port P ARGS` started by a test on a free
/// port (`SETUP_SECONDS=0`, its log in a temporary file), once `/healthcheck`
/// answers 200 or 20 s have passed; ``stop()`` sends SIGTERM and waits.
final class RunProcess {
    let process: Process
    let port: Int
    let log: String
    let client: HTTPClient

    init(_ arguments: [String], service: String = "EchoService", clientTimeout: Double = 20) throws {
        port = try Stack.freePort()
        log = NSTemporaryDirectory() + "run-\(UUID().uuidString).log"
        process = try Stack.launch(
            Stack.executable, ["--service-class", service, "run", "--port", String(port)] + arguments, environment: ["SETUP_SECONDS": "0"], log: log)
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
