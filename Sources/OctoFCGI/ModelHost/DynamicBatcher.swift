import Foundation

/// Groups calls for one model invocation: the model owner's dynamic batcher.
///
/// An inference thread asks for the next batch: the oldest waiting call, plus the
/// calls queued right behind it that can share its batch, up to `maxSize`. When
/// fewer are waiting, it waits up to `maxDelay` after taking the first for more to
/// arrive (Triton's `max_queue_delay`): a lone request pays at most that delay,
/// a burst is served in a few large calls. Calls are taken strictly from the head,
/// so none is ever reordered or skipped.
final class DynamicBatcher<Job>: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    let maxSize: Int
    let maxDelay: Double
    /// Whether a job may join a batch (only `/infer` calls are batched).
    let batchable: @Sendable (Job) -> Bool

    init(maxSize: Int, maxDelay: Double, batchable: @escaping @Sendable (Job) -> Bool) {
        self.maxSize = max(1, maxSize)
        self.maxDelay = max(0, maxDelay)
        self.batchable = batchable
    }

    /// Adds `job` unless `limit` (> 0) jobs are already waiting; false when full.
    func push(_ job: Job, limit: Int = 0) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if limit > 0, jobs.count - head >= limit { return false }
        jobs.append(job)
        condition.broadcast()
        return true
    }

    /// Takes out the waiting jobs that match (a call whose client went away);
    /// jobs already handed to an inference thread are not touched.
    func remove(where matches: (Job) -> Bool) -> [Job] {
        condition.lock()
        defer { condition.unlock() }
        var removed: [Job] = []
        var kept: [Job] = []
        kept.reserveCapacity(jobs.count - head)
        for job in jobs[head...] {
            if matches(job) { removed.append(job) } else { kept.append(job) }
        }
        if !removed.isEmpty {
            jobs = kept
            head = 0
        }
        return removed
    }

    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count - head
    }

    /// Blocks until at least one job is waiting; returns the next batch (1...maxSize jobs).
    func next() -> [Job] {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count { condition.wait() }
        var batch = [take()]
        guard maxSize > 1, batchable(batch[0]) else { return batch }
        let deadline = Date(timeIntervalSinceNow: maxDelay)
        while batch.count < maxSize {
            if head < jobs.count {
                guard batchable(jobs[head]) else { break }
                batch.append(take())
            } else if !condition.wait(until: deadline) {
                break
            }
        }
        return batch
    }

    private func take() -> Job {
        let job = jobs[head]
        head += 1
        if head > 1024, head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }
}
