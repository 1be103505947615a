import Foundation

/// Groups calls for one model invocation and hands them to the model's
/// `concurrency` slots: the model owner's dynamic batcher.
///
/// An inference thread asks for the next batch: the oldest waiting call, plus the
/// calls queued right behind it that can share its batch, up to `maxSize`. When
/// fewer are waiting and calls have lately been arriving together (the last
/// batch held more than one), it waits up to `maxDelay` after taking the first
/// for more to arrive (Triton's `max_queue_delay`), so a burst is served in a few
/// large calls. When calls come one at a time (the last batch was a single call)
/// a lone call does not wait: at low load the delay would only add latency,
/// since nothing is coming to share it. Calls are taken strictly from the head,
/// so none is ever reordered or skipped.
///
/// The thread that read a call may also run it itself (``claimInline(for:)``)
/// when nothing waits ahead of it and a slot is free: that saves handing it to
/// an inference thread (a wake-up and a context switch per call, see
/// `bench/PROFILE.md`). Slots bound the calls running at once either way.
///
/// `Sendable` unchecked because the threads wait for jobs on a condition variable
/// (`NSCondition`; `Mutex` has no waiting), which guards every stored `var`.
final class DynamicBatcher<Job>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Waiting jobs from `head` on; slots before it are taken and emptied (nil),
    /// so a taken job (and its payload, up to an upload's size) is freed as soon as
    /// its call is done, not when the array is next compacted.
    private var jobs: [Job?] = []
    private var head = 0
    /// The model slots not running a call now (indices for the stuck-call watchdog).
    private var freeSlots: [Int]
    /// How many calls the last batch held (0: none yet).
    private var lastBatchSize = 0
    let maxSize: Int
    let maxDelay: Double
    /// Whether a job may join a batch (only `/infer` calls are batched).
    let batchable: @Sendable (Job) -> Bool

    init(maxSize: Int, maxDelay: Double, concurrency: Int = 1, batchable: @escaping @Sendable (Job) -> Bool) {
        self.maxSize = max(1, maxSize)
        self.maxDelay = max(0, maxDelay)
        self.freeSlots = Array((0..<max(1, concurrency)).reversed())
        self.batchable = batchable
    }

    /// A slot to run `job` on at once, on the caller's thread, or nil (push it):
    /// only when no job waits ahead of it, a slot is free, and no batch is
    /// forming (batching is off for it, or calls are arriving one at a time).
    /// The caller gives the slot back with ``finished(slot:)``.
    func claimInline(for job: Job) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard head == jobs.count, !freeSlots.isEmpty else { return nil }
        if maxSize > 1, batchable(job) {
            guard lastBatchSize <= 1 else { return nil }
            lastBatchSize = 1
        }
        return freeSlots.removeLast()
    }

    /// Gives back a slot taken by ``nextBatch()`` or ``claimInline(for:)``.
    /// Inference threads wait for a job *and* a slot, so a freed slot only
    /// matters when a job waits; otherwise waking them would cost every inline
    /// call the very wake-up the inline path exists to save (`push` wakes them
    /// when a job arrives).
    func finished(slot: Int) {
        condition.lock()
        freeSlots.append(slot)
        if head < jobs.count { condition.broadcast() }
        condition.unlock()
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
        var kept: [Job?] = []
        kept.reserveCapacity(jobs.count - head)
        for case let job? in jobs[head...] {
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

    /// Blocks until a job waits and a slot is free; returns the next batch
    /// (1...maxSize jobs) and the slot it runs on (give it back with ``finished(slot:)``).
    func nextBatch() -> (jobs: [Job], slot: Int) {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count || freeSlots.isEmpty { condition.wait() }
        let slot = freeSlots.removeLast()
        var batch = [take()]
        guard maxSize > 1, batchable(batch[0]) else { return (batch, slot) }
        let deadline = Date(timeIntervalSinceNow: lastBatchSize > 1 ? maxDelay : 0)
        while batch.count < maxSize {
            if head < jobs.count {
                guard batchable(jobs[head]!) else { break }
                batch.append(take())
            } else if !condition.wait(until: deadline) {
                break
            }
        }
        lastBatchSize = batch.count
        return (batch, slot)
    }

    private func take() -> Job {
        let job = jobs[head]!
        jobs[head] = nil
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024, head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }
}
