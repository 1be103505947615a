import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 14's memory bar for uploads: `octoai run`'s nginx holds each body in
/// memory while it is in flight (`client_body_buffer_size`) and gives it back when
/// the request ends. Without `MALLOC_MMAP_THRESHOLD_` in nginx's environment glibc
/// keeps the buffers in the worker's heap after the first large free: ~335 MiB
/// stayed after a c=64 load of 5 MiB uploads. octoai's own processes reuse their
/// large buffers while requests come and trim them once quiet (``IdleMemoryTrimmer``):
/// without the trimmer the responder and the model owner kept theirs.
@Suite struct UploadMemoryTests {
    static let uploads = 16
    static let rounds = 3

    @Test func nginxGivesUploadBuffersBackAfterALoad() throws {
        let run = try RunProcess(["--workers", "1", "--threads", "4"], clientTimeout: 60)
        defer { run.stop() }
        let client = run.client
        let pid = run.process.processIdentifier
        let processes = Self.descendants(of: pid).filter { $0 != pid }
        let nginx = processes.filter { Self.commandLine($0).hasPrefix("nginx") }
        let octoai = processes.filter { Self.commandLine($0).hasPrefix("octoai: ") }
        #expect(nginx.count >= 2, "nginx master and worker")
        #expect(octoai.count >= 3, "supervisor, model owner, responder")
        let idle = nginx.map(Self.residentKiB).reduce(0, +)
        let octoaiIdle = octoai.map(Self.residentKiB).reduce(0, +)

        let file = [UInt8](repeating: 0x78, count: 5 << 20)
        let failures = Mutex<[String]>([])
        for _ in 0..<Self.rounds {
            let done = DispatchGroup()
            for _ in 0..<Self.uploads {
                done.enter()
                // A thread each: all of them in flight at once (Dispatch would run two).
                Thread.detachNewThread {
                    defer { done.leave() }
                    do {
                        let answer = try client.postForm("/upload", [
                            .file(name: "file", filename: "5mib.bin", contentType: "application/octet-stream", data: file),
                            .text(name: "label", value: "memory"),
                        ])
                        if answer.status != 200 { failures.withLock { $0.append("status \(answer.status): \(answer.text)") } }
                    } catch {
                        failures.withLock { $0.append(String(describing: error)) }
                    }
                }
            }
            done.wait()
        }
        #expect(failures.withLock { $0 } == [])
        usleep(500_000)
        let after = nginx.map(Self.residentKiB).reduce(0, +)
        // 16 bodies kept in the heap would be 80 MiB; a few MiB of pools and caches are not.
        #expect(after - idle < 24 << 10, "nginx RSS \(idle) KiB idle, \(after) KiB after \(Self.rounds) x \(Self.uploads) uploads of 5 MiB")
        // The trimmer looks every 200 ms; the processes are quiet at once.
        var octoaiAfter = Int.max
        let quiet = Date().addingTimeInterval(5)
        while Date() < quiet {
            octoaiAfter = octoai.map(Self.residentKiB).reduce(0, +)
            if octoaiAfter - octoaiIdle < 24 << 10 { break }
            usleep(100_000)
        }
        #expect(octoaiAfter - octoaiIdle < 24 << 10, "octoai RSS \(octoaiIdle) KiB idle, \(octoaiAfter) KiB 5 s after the uploads")
    }

    /// `pid` and every process below it.
    static func descendants(of pid: pid_t) -> [pid_t] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { pid_t($0) } ?? []
        let parents = Dictionary(uniqueKeysWithValues: all.compactMap { child -> (pid_t, pid_t)? in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 ? pid_t(fields[1]).map { (child, $0) } : nil
        })
        var found = [pid]
        var index = 0
        while index < found.count {
            found += parents.filter { $0.value == found[index] }.map(\.key)
            index += 1
        }
        return found
    }

    static func commandLine(_ pid: pid_t) -> String {
        let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }

    static func residentKiB(_ pid: pid_t) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
