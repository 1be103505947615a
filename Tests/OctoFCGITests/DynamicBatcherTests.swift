import Foundation
import Testing

@testable import OctoFCGI

@Suite struct DynamicBatcherTests {
    @Test func groupsWhatIsWaitingUpToTheSizeInOrder() {
        let batcher = DynamicBatcher<Int>(maxSize: 4, maxDelay: 0) { _ in true }
        for i in 0..<10 { #expect(batcher.push(i)) }
        #expect(batcher.next() == [0, 1, 2, 3])
        #expect(batcher.next() == [4, 5, 6, 7])
        #expect(batcher.next() == [8, 9])
    }

    @Test func neverJumpsOverAnUnbatchableJob() {
        // Odd numbers stand for calls to other endpoints: they run alone, in their turn.
        let batcher = DynamicBatcher<Int>(maxSize: 8, maxDelay: 0) { $0 % 2 == 0 }
        for i in [0, 2, 3, 4, 6, 5] { _ = batcher.push(i) }
        #expect(batcher.next() == [0, 2])
        #expect(batcher.next() == [3])
        #expect(batcher.next() == [4, 6])
        #expect(batcher.next() == [5])
    }

    @Test func waitsUpToTheDelayForTheBatchToFill() {
        let batcher = DynamicBatcher<Int>(maxSize: 3, maxDelay: 5) { _ in true }
        batcher.primeWithABatch()
        _ = batcher.push(1)
        Thread.detachNewThread {
            usleep(50_000)
            _ = batcher.push(2)
            _ = batcher.push(3)
        }
        // Full before the 5 s delay: returned as soon as the third arrives.
        let start = Date()
        #expect(batcher.next() == [1, 2, 3])
        #expect(Date().timeIntervalSince(start) < 4)
    }

    @Test func aLoneJobLeavesAfterTheDelay() {
        let batcher = DynamicBatcher<Int>(maxSize: 32, maxDelay: 0.05) { _ in true }
        batcher.primeWithABatch()
        _ = batcher.push(7)
        let start = Date()
        #expect(batcher.next() == [7])
        let waited = Date().timeIntervalSince(start)
        #expect(waited >= 0.05)
    }

    @Test func callsArrivingOneAtATimeDoNotWaitForCompany() {
        // Nothing batched yet, then only single calls: none waits the (long) delay.
        let batcher = DynamicBatcher<Int>(maxSize: 32, maxDelay: 1) { _ in true }
        let start = Date()
        for job in 1...3 {
            _ = batcher.push(job)
            #expect(batcher.next() == [job])
        }
        #expect(Date().timeIntervalSince(start) < 0.8)
        // After a batch of several, a lone call waits for company again (until one arrives).
        _ = batcher.push(4)
        _ = batcher.push(5)
        #expect(batcher.next() == [4, 5])
        _ = batcher.push(6)
        Thread.detachNewThread {
            usleep(100_000)
            _ = batcher.push(7)
        }
        #expect(batcher.next() == [6, 7])
    }

    @Test func inlineRunsOnlyWhenNothingWaitsAndASlotIsFree() {
        let batcher = DynamicBatcher<Int>(maxSize: 1, maxDelay: 0, concurrency: 2) { _ in true }
        let first = batcher.claimInline(for: 1)
        let second = batcher.claimInline(for: 2)
        #expect(first != nil && second != nil && first != second)
        // Both slots busy: the third call must queue.
        #expect(batcher.claimInline(for: 3) == nil)
        _ = batcher.push(3)
        batcher.finished(slot: first!)
        // A call waits: a newcomer may not overtake it, even with a free slot.
        #expect(batcher.claimInline(for: 4) == nil)
        let (jobs, slot) = batcher.nextBatch()
        #expect(jobs == [3])
        #expect(slot == first)
        batcher.finished(slot: slot)
        batcher.finished(slot: second!)
        #expect(batcher.claimInline(for: 5) != nil)
    }

    @Test func inlineDoesNotBreakUpAFormingBatch() {
        let batcher = DynamicBatcher<Int>(maxSize: 8, maxDelay: 0, concurrency: 2) { _ in true }
        #expect(batcher.claimInline(for: 1) != nil)
        batcher.primeWithABatch()
        // Calls are arriving together now: the next one goes through the queue.
        #expect(batcher.claimInline(for: 2) == nil)
    }

    @Test func sizeOneMeansNoBatching() {
        let batcher = DynamicBatcher<Int>(maxSize: 1, maxDelay: 10) { _ in true }
        _ = batcher.push(1)
        _ = batcher.push(2)
        #expect(batcher.next() == [1])
        #expect(batcher.next() == [2])
    }

    @Test func refusesPastTheQueueLimit() {
        let batcher = DynamicBatcher<Int>(maxSize: 1, maxDelay: 0) { _ in true }
        #expect(batcher.push(1, limit: 2))
        #expect(batcher.push(2, limit: 2))
        #expect(!batcher.push(3, limit: 2))
        #expect(batcher.count == 2)
    }
}

extension DynamicBatcher {
    /// The next batch, its slot given back at once (the tests run nothing).
    func next() -> [Job] {
        let (jobs, slot) = nextBatch()
        finished(slot: slot)
        return jobs
    }
}

extension DynamicBatcher<Int> {
    /// Hands out one batch of two, so the batcher sees calls arriving together.
    func primeWithABatch() {
        _ = push(-1)
        _ = push(-2)
        let (jobs, slot) = nextBatch()
        precondition(jobs == [-1, -2])
        finished(slot: slot)
    }
}

@Suite struct BatchFanOutTests {
    struct Doubler: BatchingService {
        func infer(_ input: Int) throws -> Int { input * 2 }
        func inferBatch(_ inputs: [Int]) throws -> [Int] {
            if inputs.contains(13) { throw HTTPError(status: 422, detail: "unlucky batch") }
            if inputs.contains(666) { throw CancellationError() }
            if inputs.contains(7) { return [] }
            return inputs.map { $0 * 2 }
        }
    }

    func run(_ inputs: [String]) throws -> [InferenceRunner.Result] {
        let host = try ServiceDescriptor(Doubler.self).makeHost()
        let runner = InferenceRunner(host: host, logger: .init(label: "test"))
        return runner.runBatch(inputs: inputs.map { Array($0.utf8) }, requestIDs: inputs.indices.map(UInt64.init))
    }

    func describe(_ results: [InferenceRunner.Result]) -> [String] {
        results.map {
            switch $0 {
            case let .output(json, _): String(decoding: json, as: UTF8.self)
            case .streamEnd: "end"
            case let .error(status, detail, _): "\(status) \(detail)"
            }
        }
    }

    @Test func eachInputGetsItsOwnOutputInOrder() throws {
        #expect(describe(try run(["1", "2", "3"])) == ["2", "4", "6"])
    }

    @Test func aFailingBatchFailsEachOfItsRequests() throws {
        #expect(describe(try run(["1", "13"])) == ["422 unlucky batch", "422 unlucky batch"])
        #expect(describe(try run(["1", "666"])) == ["500 Internal Server Error", "500 Internal Server Error"])
        #expect(describe(try run(["1", "7"])) == ["500 Internal Server Error", "500 Internal Server Error"])
    }

    @Test func anUndecodableInputFailsAloneAndTheRestRun() throws {
        #expect(describe(try run(["1", "\"x\"", "3"])) == ["2", "500 Internal Server Error", "6"])
    }
}

extension DynamicBatcherTests {
    @Test func removeTakesOutOnlyWaitingJobsAndKeepsTheOrder() {
        let batcher = DynamicBatcher<Int>(maxSize: 2, maxDelay: 0) { _ in true }
        for i in 0..<6 { _ = batcher.push(i) }
        #expect(batcher.next() == [0, 1])
        // 0 and 1 have left for the model: a cancel no longer reaches them.
        #expect(batcher.remove { $0 == 1 || $0 == 3 || $0 == 4 } == [3, 4])
        #expect(batcher.count == 2)
        #expect(batcher.remove { $0 == 99 }.isEmpty)
        #expect(batcher.next() == [2, 5])
    }

    @Test func removedJobsFreeTheirPlaceInABoundedQueue() {
        let batcher = DynamicBatcher<Int>(maxSize: 1, maxDelay: 0) { _ in true }
        #expect(batcher.push(1, limit: 2))
        #expect(batcher.push(2, limit: 2))
        #expect(!batcher.push(3, limit: 2))
        #expect(batcher.remove { $0 == 1 } == [1])
        #expect(batcher.push(3, limit: 2))
        #expect(batcher.next() == [2])
        #expect(batcher.next() == [3])
    }
}

extension DynamicBatcherTests {
    final class Payload {}

    @Test func aTakenJobIsNotKeptByTheQueue() {
        // A job holds its request's payload (an upload can be megabytes): once
        // handed out, the queue must not keep it alive while others still wait.
        let batcher = DynamicBatcher<Payload>(maxSize: 1, maxDelay: 0) { _ in true }
        weak var first: Payload?
        weak var second: Payload?
        do {
            let a = Payload(), b = Payload(), c = Payload()
            first = a
            second = b
            _ = batcher.push(a)
            _ = batcher.push(b)
            _ = batcher.push(c)
        }
        _ = batcher.next()
        #expect(first == nil)
        #expect(second != nil)
        _ = batcher.next()
        #expect(second == nil)
        #expect(batcher.count == 1)
    }
}
