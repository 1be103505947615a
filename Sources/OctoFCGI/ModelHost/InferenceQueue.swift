import Foundation

/// The model owner's FIFO of calls waiting for an inference thread.
///
/// Connection readers push, `maxConcurrency` inference threads pop: requests run
/// in arrival order, and at most that many run at once. (Bounding its depth is
/// `--max-queue`'s job; batching will pop several at a time.)
final class InferenceQueue<Job>: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0

    func push(_ job: Job) {
        _ = push(job, limit: 0)
    }

    /// Adds `job` unless `limit` (> 0) jobs are already waiting; false when full.
    func push(_ job: Job, limit: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if limit > 0, jobs.count - head >= limit { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Blocks until a job is available.
    func pop() -> Job {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count { condition.wait() }
        let job = jobs[head]
        head += 1
        if head > 1024, head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count - head
    }
}
