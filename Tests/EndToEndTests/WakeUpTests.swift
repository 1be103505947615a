import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// How often the backend's threads sleep per echo `/infer` call, one call at a
/// time through `octoai run`: the model owner once (waiting for the call), the
/// responder twice (waiting for nginx's next request, then for the owner's
/// answer). A thread blocked in `recv` on a Unix socket was also woken whenever
/// the peer read what it had sent, and slept again (owner 2.0, responder 3.0 per
/// call before `UnixSocket.receive`): each sleep is a wake-up the other side pays
/// for, the largest cost of the hop (bench/PROFILE.md). Counted, not timed:
/// `voluntary_ctxt_switches` of every thread, before and after.
@Suite struct WakeUpTests {
    /// Voluntary context switches of all threads of `pid` now.
    static func voluntarySwitches(_ pid: pid_t) -> Int {
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return threads.reduce(0) { sum, tid in
            let status = (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("voluntary_ctxt_switches:") } ?? ""
            return sum + (Int(line.split(separator: "\t").last ?? "") ?? 0)
        }
    }

    /// Sends 300 echo calls one at a time; the owner's and the responder's voluntary
    /// context switches per call.
    func switchesPerCall(_ run: RunProcess) throws -> (owner: Double, responder: Double) {
        let processes = UploadMemoryTests.descendants(of: run.process.processIdentifier)
        let owner = try #require(processes.first { UploadMemoryTests.commandLine($0).hasPrefix("octoai: model-owner") })
        let responder = try #require(processes.first { UploadMemoryTests.commandLine($0).hasPrefix("octoai: responder") })
        // Warm: nginx's upstream connection and the responder's owner connection exist.
        for _ in 0..<20 { _ = try run.client.post("/infer", json: #"{"prompt":"warm"}"#) }
        let calls = 300
        let counts = { (Self.voluntarySwitches(owner), Self.voluntarySwitches(responder)) }
        let start = Date()
        let before = counts()
        for index in 0..<calls {
            let answer = try run.client.post("/infer", json: #"{"prompt":"call \#(index)"}"#)
            try #require(answer.status == 200, "\(answer.text)")
        }
        let after = counts()
        let during = (after.0 - before.0, after.1 - before.1)
        // What the processes do on their own in as long (housekeeping threads wake on
        // timers, more of them the slower a loaded machine makes the 300 calls) is
        // not a wake-up the calls caused: measured idle for the same time, subtracted.
        usleep(useconds_t(min(Date().timeIntervalSince(start), 20) * 1_000_000))
        let idleEnd = counts()
        let idle = (idleEnd.0 - after.0, idleEnd.1 - after.1)
        return (Double(during.0 - idle.0) / Double(calls), Double(during.1 - idle.1) / Double(calls))
    }

    @Test func anEchoCallSleepsOnceInTheOwnerAndTwiceInTheResponder() throws {
        let run = try RunProcess(["--workers", "1", "--threads", "4"])
        defer { run.stop() }
        let (ownerPerCall, responderPerCall) = try switchesPerCall(run)
        // Halfway between what each should be and what it was; the slack covers the
        // memory trimmer's and other housekeeping threads' own sleeps.
        #expect(ownerPerCall < 1.5, "model owner: \(ownerPerCall) voluntary context switches per call")
        #expect(responderPerCall < 2.5, "responder: \(responderPerCall) voluntary context switches per call")
    }

    /// A Python service's owner: its reader thread waits for the call and its model
    /// thread for the reader's hand-off, and the GIL adds a few (2.3 per call measured; 3.05 when the reader waited in `recv`).
    @Test func aPythonServiceOwnerIsWokenOnlyByCalls() throws {
        let run = try RunProcess(["--workers", "1", "--threads", "4"], pythonModule: Stack.pythonEchoService)
        defer { run.stop() }
        let (ownerPerCall, responderPerCall) = try switchesPerCall(run)
        print("wake-ups per call, Python owner: \(ownerPerCall), responder: \(responderPerCall)")
        #expect(ownerPerCall < 2.7, "Python model owner: \(ownerPerCall) voluntary context switches per call")
        #expect(responderPerCall < 2.5, "responder: \(responderPerCall) voluntary context switches per call")
    }
}
