import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Replicas on separate network hosts (issue 16, item 3): `Tests/deploy/multihost.sh`
/// makes network namespaces joined by veth pairs on 198.18.0.0/24, runs nginx in an
/// edge namespace (`deploy/nginx-replicas.conf`'s template) and `octoai fcgi --listen`
/// replicas in host namespaces, and under steady load through the edge: kill -9 of one
/// replica's process tree, `octoai reload` of another, SIGTERM and restart of the third,
/// a fourth added with `nginx -s reload`. Zero failed requests; every live replica served.
@Suite(.serialized) struct MultiHostTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Whether this machine lets us make a network namespace (root and iproute2).
    static let canMakeNamespaces: Bool = {
        let name = "octoai-probe-\(getpid())"
        guard run(["ip", "netns", "add", name]) == 0 else { return false }
        _ = run(["ip", "netns", "del", name])
        return true
    }()

    @discardableResult
    static func run(_ arguments: [String], log: String? = nil) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let log, let handle = FileHandle(forWritingAtPath: log) {
            process.standardError = handle
            process.standardOutput = handle
        } else {
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
        }
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(.enabled(if: canMakeNamespaces, "skipped: network namespaces cannot be made here (`ip netns add` needs root and iproute2)"))
    func replicasOnSeparateHostsSurviveKillReloadDrainAndAnAddedReplicaWithZeroFailures() throws {
        let directory = try Stack.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = directory + "/multihost.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let result = directory + "/result.json"
        let status = Self.run(["timeout", "240", "bash", Self.root + "/Tests/deploy/multihost.sh", Stack.executable, result], log: log)
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "multihost.sh exited \(status):\n\(output)")
        let data = try #require(FileManager.default.contents(atPath: result), "no result:\n\(output)")
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let ok = summary["ok"] as? Int ?? 0, failed = summary["failed"] as? Int ?? -1
        print("fault-test multihost (kill -9, reload, SIGTERM+restart, +1 replica): \(ok) ok, \(failed) failed")
        #expect(failed == 0, "\(summary["failures"] ?? "")")
        #expect(ok > 100)
        let phases = try #require(summary["phases"] as? [[String: Int]])
        #expect(phases.count == 6, "\(phases)")
        let last = try #require(phases.last)
        for replica in ["replica-2", "replica-3", "replica-4"] {
            #expect((last[replica] ?? 0) > 0, "\(replica) did not answer after the last event: \(last)")
        }
        #expect(last["replica-1"] == nil, "the killed replica answered: \(last)")
        #expect((phases.first?["replica-1"] ?? 0) > 0, "replica 1 never served before it was killed: \(phases)")
    }
}
