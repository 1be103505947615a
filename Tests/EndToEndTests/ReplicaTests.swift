import Foundation
import Testing
import Glibc

/// Several replicas behind one nginx (`deploy/nginx-replicas.conf`): balanced, and
/// when one dies under load the others answer: nginx sends what broke on the dead
/// one to the next replica.
@Suite struct ReplicaTests {
    @Test func nginxBalancesAndFailsOverBetweenReplicasUnderLoad() throws {
        var options = Stack.Options()
        options.replicas = 3
        options.environment["OCTOAI_REPLICA_NAME"] = "replica-1"
        let stack = try Stack(options)
        defer { stack.stop() }
        try stack.waitFor("every replica to run") {
            Set((0..<9).compactMap { _ in (try? stack.client.get("/healthcheck"))?.header("OCTOAI_REPLICA_NAME") }).count == 3
        }
        var seen = Set<String>()
        for _ in 0..<30 {
            let r = try stack.client.post("/infer", json: #"{"prompt":"hi"}"#)
            #expect(r.status == 200)
            if let name = r.header("OCTOAI_REPLICA_NAME") { seen.insert(name) }
        }
        #expect(seen == ["replica-1", "replica-2", "replica-3"])

        let load = LoadGenerator(port: stack.port, body: #"{"prompt":"sleep:0.01"}"#)
        usleep(500_000)
        let victim = try #require(stack.otherReplicas.first)
        kill(victim.processIdentifier, SIGKILL)  // its children follow through the lifeline
        victim.waitUntilExit()
        try stack.waitFor("replica 2's responders to be gone") { !Stack.socketAccepts(stack.directory + "/octoai-2.sock") }
        usleep(500_000)
        let result = load.stop()
        print("fault-test kill-9-replica (1 of 3): \(result.ok) ok, \(result.failures.count) failed")
        // A request the dying replica's responders had already answered for its dying
        // owner is a 503 (an answer, so nginx passes it on); none hangs or is lost.
        #expect(result.ok > 0)
        #expect(result.failures.allSatisfy { $0.hasPrefix("503") }, "\(result.failures)")
        #expect(result.failures.count <= 16, "\(result.failures)")
        for _ in 0..<20 {
            let r = try stack.client.post("/infer", json: #"{"prompt":"hi"}"#)
            #expect(r.status == 200, "\(r.text)")
            #expect(r.header("OCTOAI_REPLICA_NAME") != "replica-2")
        }
    }
}
