import Foundation
import Testing

@testable import OctoFCGI

/// Sync mode's backend: only the service method takes the model's slot.
@Suite(.serialized) struct InProcessBackendTests {
    /// `infer` blocks until the test lets it go, so the test can hold the only slot.
    struct Gate: Service {
        nonisolated(unsafe) static var entered = DispatchSemaphore(value: 0)
        nonisolated(unsafe) static var release = DispatchSemaphore(value: 0)
        func infer(_ input: Int) throws -> Int {
            Gate.entered.signal()
            Gate.release.wait()
            return input + 1
        }
    }

    /// The watchdog is never started here (`startWatchdog`): a stuck call must not end the test process.
    func backend(requestTimeout: Double = 0) throws -> InProcessBackend {
        let host = try ServiceDescriptor(Gate.self).makeHost()
        let backend = InProcessBackend(
            runner: InferenceRunner(host: host, logger: .init(label: "test")), maxConcurrency: 1, requestTimeout: requestTimeout)
        backend.markReady()
        return backend
    }

    func output(_ outcome: InferenceOutcome) -> String? {
        if case let .output(json, _) = outcome { return String(decoding: json, as: UTF8.self) }
        return nil
    }

    func failure(_ outcome: InferenceOutcome?) -> String? {
        if case let .failure(response) = outcome { return "\(response.status) \(String(decoding: response.body, as: UTF8.self))" }
        return nil
    }

    @Test func anUndecodableCallIsAnsweredWithoutWaitingForTheBusyModel() throws {
        let backend = try backend()
        let firstDone = DispatchSemaphore(value: 0)
        let held = Thread {
            #expect(self.output(backend.call(endpoint: 0, input: .json(Array("1".utf8)), client: nil)) == "2")
            firstDone.signal()
        }
        held.start()
        Gate.entered.wait()  // the slot is now held inside `infer`

        let answered = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var status = 0
        Thread {
            if case let .failure(response) = backend.call(endpoint: 0, input: .json(Array("\"not a number\"".utf8)), client: nil) { status = response.status }
            answered.signal()
        }.start()
        // Before, decoding happened inside the slot: this call waited for `infer` to end.
        let inTime = answered.wait(timeout: .now() + 10) == .success
        Gate.release.signal()
        firstDone.wait()
        #expect(inTime)
        #expect(status == 500)
    }

    @Test func callsStillTakeTurnsOnTheModel() throws {
        let backend = try backend()
        let done = DispatchSemaphore(value: 0)
        for i in 0..<2 {
            Thread {
                _ = backend.call(endpoint: 0, input: .json(Array("\(i)".utf8)), client: nil)
                done.signal()
            }.start()
        }
        Gate.entered.wait()
        // One call is inside `infer`; the other may not enter until it leaves.
        #expect(Gate.entered.wait(timeout: .now() + 0.3) == .timedOut)
        Gate.release.signal()
        Gate.entered.wait()
        Gate.release.signal()
        done.wait()
        done.wait()
    }

    /// `--request-timeout` in sync mode: as in async mode, the client gets 504 when its
    /// time is up, also while the method it called still runs (it cannot be stopped).
    @Test func withATimeoutTheRunningCallAndTheOneWaitingForTheModelGet504() throws {
        let backend = try backend(requestTimeout: 0.3)
        let firstDone = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var first: InferenceOutcome?
        Thread {
            first = backend.call(endpoint: 0, input: .json(Array("1".utf8)), client: nil)
            firstDone.signal()
        }.start()
        Gate.entered.wait()  // `infer` now holds the only slot and does not return
        let second = backend.call(endpoint: 0, input: .json(Array("5".utf8)), client: nil)
        let firstAnswered = firstDone.wait(timeout: .now() + 10) == .success
        #expect(firstAnswered, "the running call was not answered at its deadline")
        #expect(failure(first) == #"504 {"detail":"Inference timed out"}"#)
        #expect(failure(second) == #"504 {"detail":"Inference timed out"}"#)
        // When the method does return, the model is free again.
        Gate.release.signal()
        Gate.release.signal()
        // (It comes back on the method's thread: a call may still time out waiting before then.)
        var third: String?
        for _ in 0..<30 where third == nil { third = output(backend.call(endpoint: 0, input: .json(Array("2".utf8)), client: nil)) }
        #expect(third == "3")
        Gate.entered.wait()
        if !firstAnswered { firstDone.wait() }
    }
}
