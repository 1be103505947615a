import Foundation
import Testing

/// Steady traffic through nginx while a test reloads or kills things: `clients`
/// threads each sending `POST /infer` back to back until stopped, counting every
/// answer that is not 200 and every connection error. Bounded: it stops by itself
/// after `limit` seconds.
final class LoadGenerator: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private(set) var ok = 0
    private(set) var failures: [String] = []
    private let finished = DispatchGroup()

    init(port: Int, clients: Int = 4, limit: Double = 60, body: String = #"{"prompt":"load"}"#) {
        let client = HTTPClient(port: port, timeout: 10)
        let end = Date().addingTimeInterval(limit)
        for _ in 0..<clients {
            finished.enter()
            Thread.detachNewThread { [self] in
                defer { finished.leave() }
                while !isStopped, Date() < end {
                    let outcome: String?
                    do {
                        let r = try client.post("/infer", json: body)
                        outcome = r.status == 200 ? nil : "\(r.status) \(r.text)"
                    } catch {
                        outcome = "\(error)"
                    }
                    record(outcome)
                }
            }
        }
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func record(_ failure: String?) {
        lock.lock()
        if let failure { failures.append(failure) } else { ok += 1 }
        lock.unlock()
    }

    /// Stops the clients and waits for their last requests.
    func stop() -> (ok: Int, failures: [String]) {
        lock.lock()
        stopped = true
        lock.unlock()
        finished.wait()
        lock.lock()
        defer { lock.unlock() }
        return (ok, failures)
    }

    /// Stops the clients and expects that nothing failed and that the load was
    /// real; prints the `fault-test <name>: N ok, M failed` line bench/faults.sh reads.
    func stopExpectingNothingLost(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let result = stop()
        print("fault-test \(name): \(result.ok) ok, \(result.failures.count) failed")
        #expect(
            result.failures.isEmpty, "\(result.failures.count) failed of \(result.ok + result.failures.count): \(result.failures.prefix(5))",
            sourceLocation: sourceLocation)
        #expect(result.ok > 50, sourceLocation: sourceLocation)
    }
}
