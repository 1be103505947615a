import Foundation
import Testing

@testable import OctoFCGI

/// The futures' store on its own: the states a future goes through, its answer
/// kept whole, the bounds, expiry, and ids that never reach the file system.
@Suite struct FutureStoreTests {
    static func store(ttl: Double = 60, maxCount: Int = 10, maxBytes: Int = 1 << 20) throws -> FutureStore {
        let directory = NSTemporaryDirectory() + "/octoai-futures-test-\(UInt32.random(in: 0...UInt32.max))"
        let store = FutureStore(directory: directory, ttl: ttl, maxCount: maxCount, maxBytes: maxBytes)
        try store.create()
        return store
    }

    @Test func aFutureGoesFromPendingToRunningToCompleted() throws {
        let store = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        let call = FutureCall(endpoint: 2, input: .form(fields: Array("{}".utf8), body: [1, 2, 3]), submittedAt: 1234.5)
        let id = try #require(store.submit(call))
        #expect(store.state(id) == .pending)
        #expect(store.unsent() == [id])
        let stored = try #require(store.call(id))
        #expect(stored.endpoint == 2)
        #expect(stored.submittedAt == 1234.5)
        guard case let .form(fields, body) = stored.input else { Issue.record("not a form"); return }
        #expect(fields == Array("{}".utf8) && body == [1, 2, 3])
        store.markRunning(id)
        #expect(store.state(id) == .running)
        #expect(store.unsent().isEmpty)
        #expect(store.answer(id) == nil)
        store.finish(id, with: HTTPResponse(status: 200, contentType: "text/event-stream", headers: [("A", "b")], body: Array("data: 1\n\n".utf8)))
        #expect(store.state(id) == .completed)
        let answer = try #require(store.answer(id))
        #expect(answer.status == 200 && answer.contentType == "text/event-stream" && answer.body == Array("data: 1\n\n".utf8))
        #expect(answer.headers.map { "\($0.0)=\($0.1)" } == ["A=b"])
        #expect(store.counts() == [.completed: 1])
    }

    @Test func anErrorAnswerIsAFailedFuture() throws {
        let store = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        let id = try #require(store.submit(FutureCall(endpoint: 0, input: .json(Array("{}".utf8)), submittedAt: 0)))
        store.finish(id, with: .modelUnavailable)
        #expect(store.state(id) == .failed)
        #expect(store.answer(id)?.status == 503)
    }

    @Test func theBoundsRefuseNewFutures() throws {
        let counted = try Self.store(maxCount: 2)
        defer { try? FileManager.default.removeItem(atPath: counted.directory) }
        let call = FutureCall(endpoint: 0, input: .json(Array("{}".utf8)), submittedAt: 0)
        #expect(counted.submit(call) != nil)
        #expect(counted.submit(call) != nil)
        #expect(counted.submit(call) == nil)
        let sized = try Self.store(maxBytes: 100)
        defer { try? FileManager.default.removeItem(atPath: sized.directory) }
        #expect(sized.submit(FutureCall(endpoint: 0, input: .json([UInt8](repeating: 32, count: 60)), submittedAt: 0)) != nil)
        #expect(sized.submit(FutureCall(endpoint: 0, input: .json([UInt8](repeating: 32, count: 60)), submittedAt: 0)) == nil)
    }

    @Test func finishedFuturesExpire() throws {
        let store = try Self.store(ttl: 0.5)
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        let id = try #require(store.submit(FutureCall(endpoint: 0, input: .json(Array("{}".utf8)), submittedAt: 0)))
        store.finish(id, with: HTTPResponse(status: 200, body: []))
        #expect(store.state(id) == .completed)
        Thread.sleep(forTimeInterval: 1.6)
        #expect(store.state(id) == nil)
        #expect(store.sweep() == 1)
        #expect(store.usage().count == 0)
    }

    @Test func idsThatAreNotOursNeverReachTheFileSystem() throws {
        let store = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: store.directory) }
        for id in ["../../etc/passwd", "", "ABCDEF0123456789ABCDEF0123456789", String(repeating: "a", count: 33), "dispatch"] {
            #expect(store.state(id) == nil)
            #expect(store.answer(id) == nil)
        }
        #expect(FutureStore.isValid(FutureStore.newID()))
        #expect(FutureStore.newID() != FutureStore.newID())
    }
}
