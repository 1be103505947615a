import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `--sched-batch` (``SchedulingPolicy``): by default every thread of every
/// process of the backend `octoai run` starts runs under `SCHED_BATCH`, and the
/// nginx it starts beside them does not; `--sched-batch false` leaves all of
/// them under the policy they were started with (this test's own, the default
/// one outside a `SCHED_BATCH` shell). Either way the service answers.
@Suite struct SchedulingTests {
    static let batch: Int32 = 3

    /// The policy of every thread of `pid` (`sched_getscheduler` takes a thread id).
    static func policies(_ pid: pid_t) -> Set<Int32> {
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.compactMap { pid_t($0) } ?? []
        return Set(threads.map { sched_getscheduler($0) })
    }

    func serve(_ arguments: [String], check: (_ octoai: [pid_t], _ nginx: [pid_t]) -> Void) throws {
        let run = try RunProcess(["--workers", "1", "--threads", "4"] + arguments)
        defer { run.stop() }
        let client = run.client
        let answer = try client.post("/infer", json: #"{"prompt":"hello"}"#)
        #expect(answer.status == 200, "\(answer.text)")
        let processes = UploadMemoryTests.descendants(of: run.process.processIdentifier).filter { $0 != run.process.processIdentifier }
        let octoai = processes.filter { UploadMemoryTests.commandLine($0).hasPrefix("octoai: ") }
        let nginx = processes.filter { UploadMemoryTests.commandLine($0).hasPrefix("nginx") }
        #expect(octoai.count >= 3, "supervisor, model owner, responder")
        #expect(nginx.count >= 2, "nginx master and worker")
        check(octoai, nginx)
    }

    @Test func theBackendRunsUnderSchedBatchAndNginxDoesNot() throws {
        try serve([]) { octoai, nginx in
            for pid in octoai { #expect(Self.policies(pid) == [Self.batch], "\(UploadMemoryTests.commandLine(pid))") }
            for pid in nginx { #expect(Self.policies(pid) == [sched_getscheduler(0)], "\(UploadMemoryTests.commandLine(pid))") }
        }
    }

    @Test func schedBatchFalseKeepsTheDefaultPolicy() throws {
        try serve(["--sched-batch", "false"]) { octoai, nginx in
            for pid in octoai + nginx { #expect(Self.policies(pid) == [sched_getscheduler(0)], "\(UploadMemoryTests.commandLine(pid))") }
        }
    }
}
