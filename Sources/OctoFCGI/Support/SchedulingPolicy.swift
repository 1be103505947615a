import Foundation

import Glibc

/// Runs octoai's backend (the supervisor and, by inheritance, every process it
/// starts: responders, the model owner, a Python owner) under Linux's
/// `SCHED_BATCH` policy instead of the default `SCHED_OTHER`.
///
/// Why: a call crosses processes four times (nginx -> responder -> model owner
/// -> responder -> nginx), and with the default policy each crossing's wake-up
/// preempts the thread that wrote: the responder that has just sent a call is
/// switched out in `send` for the owner it woke, and switched back in to wait
/// for the answer. On the 2-core bench machine those switches were about a
/// third of the responder's and the owner's CPU (`finish_task_switch`, `bench/PROFILE.md`).
/// `SCHED_BATCH` is the same fair scheduler, the same nice level and share of
/// the CPU, minus wake-up preemption: a woken octoai thread waits for the
/// running one to block or use up its slice. nginx, which `octoai run` starts
/// beside the backend, keeps the normal policy, so an nginx worker woken by an
/// answer still runs at once. A/B through `octoai run`, echo `POST /infer` at
/// c=16, alternating runs: async 18.4/18.5k -> 20.9/21.1k req/s; with the policy
/// set from outside on octoai's children only (`chrt -b -a -p 0`), c=64 18.6k ->
/// 23.6k and sync 24.6-24.9k -> 31.1-31.8k; c=1 unchanged (7.9k).
///
/// No privilege is needed (any process may move itself to `SCHED_BATCH`), and
/// `--sched-batch false` keeps the default policy.
package enum SchedulingPolicy {
    /// `SCHED_BATCH` from `<sched.h>` (behind `_GNU_SOURCE`, so not in Swift's Glibc module).
    static let batch: Int32 = 3

    /// Moves every thread of this process to `SCHED_BATCH`; threads and processes
    /// started later inherit it (`sched_setscheduler` acts on one thread, and
    /// some, such as Dispatch's, may already run). False when the system refused.
    @discardableResult
    package static func useBatch() -> Bool {
        var param = sched_param(sched_priority: 0)
        guard sched_setscheduler(0, batch, &param) == 0 else { return false }
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for case let tid? in threads.map({ pid_t($0) }) { _ = sched_setscheduler(tid, batch, &param) }
        return true
    }
}
