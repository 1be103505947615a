import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a burst leaves behind once it is over: 32 calls in flight at once need
/// 32 responder connections to the model owner, each served by a thread of the
/// owner's; when the responder goes quiet it keeps only as many connections as
/// it has threads (``ModelOwnerClient/closeIdleConnections(keeping:)``, run by
/// the memory trimmer), so the owner's threads for the rest end, and with them
/// their stacks (no stack cache in octoai's children, ``MallocPolicy``).
@Suite struct BurstResidueTests {
    static func threadCount(_ pid: pid_t) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.count ?? 0
    }

    @Test func theOwnerThreadsOfABurstEndOnceTheResponderIsQuiet() throws {
        let threads = 4
        let run = try RunProcess(["--workers", "1", "--threads", String(threads)])
        defer { run.stop() }
        let processes = UploadMemoryTests.descendants(of: run.process.processIdentifier)
        let owner = try #require(processes.first { UploadMemoryTests.commandLine($0).hasPrefix("octoai: model-owner") })
        _ = try run.client.post("/infer", json: #"{"prompt":"warm"}"#)
        let idle = Self.threadCount(owner)
        // 5 ms of model time per call and one model slot: the 32 clients' calls queue in the owner together.
        let load = LoadGenerator(port: run.port, clients: 32, limit: 20, body: #"{"prompt":"spin:0.005"}"#)
        var peak = idle
        let burstEnd = Date().addingTimeInterval(3)
        while Date() < burstEnd {
            peak = max(peak, Self.threadCount(owner))
            usleep(50_000)
        }
        let result = load.stop()
        #expect(result.failures.isEmpty, "\(result.failures.prefix(3))")
        #expect(peak >= idle + 16, "the burst did not open many owner connections (idle \(idle), peak \(peak) threads)")
        var settled = Self.threadCount(owner)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, settled > idle + threads {
            usleep(100_000)
            settled = Self.threadCount(owner)
        }
        #expect(settled <= idle + threads, "model owner: \(idle) threads idle, \(peak) in the burst, \(settled) after it")
    }
}
