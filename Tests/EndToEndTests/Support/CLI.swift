import Foundation

/// Runs the `octoai` binary to completion and captures what it printed.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments`, after `--service-class service` unless
    /// `service` is nil (the binary's default service, or arguments that name one).
    static func run(
        _ arguments: [String], service: String? = "EchoService", environment: [String: String] = [:], timeout: Double = 60,
        executable: String = Stack.executable
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        let named = arguments.contains("--service-class")
        process.arguments = (service == nil || named ? [] : ["--service-class", service!]) + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["SETUP_SECONDS": "0"].merging(environment) { $1 }) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var stdout = Data()
        nonisolated(unsafe) var stderr = Data()
        DispatchQueue.global().async(group: group) { stdout = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { stderr = err.fileHandleForReading.readDataToEndOfFile() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw HTTPClient.Failure(description: "octoai \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
