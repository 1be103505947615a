import Foundation
import Synchronization

/// A fork-join team: the calling thread plus `size - 1` long-lived worker threads that
/// run one region of the encoder (`run`) together and meet again at its end.
///
/// Why our own and not OpenBLAS's threads: OpenBLAS threads one GEMM at a time and
/// splits a 16-row GEMM badly, while everything between the GEMMs (attention, GELU,
/// LayerNorm) would stay on one core. The encoder instead splits every step itself
/// (GEMMs by output column, attention by head, LayerNorm by row) and keeps OpenBLAS
/// single-threaded. Why not `DispatchQueue.concurrentPerform`: a forward pass has
/// ~40 regions and a sleeping pool thread takes tens of microseconds to wake, so the
/// workers spin a short while for the next region before they block.
///
/// One call at a time: ``tryAcquire()`` hands the team to one caller; a concurrent
/// call that finds it taken runs alone on its own thread, which is what one wants
/// when calls queue (one core per batch) as opposed to one call waiting (all cores).
final class WorkerTeam: @unchecked Sendable {
    /// Threads a region runs on, the caller included.
    let size: Int
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let wake: [DispatchSemaphore]
    /// Bit `w - 1` set while worker `w` is (about to be) blocked on `wake[w - 1]`.
    private let sleeping = Atomic<Int>(0)
    // Written by the caller before `generation` is bumped, read by workers after:
    // the atomic's acquire/release ordering publishes it (hence @unchecked Sendable).
    private var body: ((Int) -> Void)?

    /// Spins of a waiting worker before it blocks (tens of microseconds): longer than
    /// the gap between two regions of a forward pass, far shorter than between two requests.
    private static let spins = 20_000
    /// Spins before each further one yields the core: when the machine is busier than
    /// its cores, a waiting thread must not hold up the one it waits for.
    private static let pureSpins = 2_000

    init(size: Int) {
        self.size = max(1, size)
        wake = (1..<self.size).map { _ in DispatchSemaphore(value: 0) }
        // The threads keep the team alive: a model, and so its team, lives as long
        // as the process that loaded it.
        for worker in 1..<self.size {
            let thread = Thread { self.loop(worker) }
            thread.name = "minilm-worker-\(worker)"
            thread.start()
        }
    }

    /// Takes the team for one call; `false` when another call has it.
    func tryAcquire() -> Bool {
        busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    }

    func release() {
        busy.store(false, ordering: .releasing)
    }

    /// Runs `body(part)` for every part in `0..<size`, part 0 on the calling thread,
    /// and returns when all have finished. Only between ``tryAcquire()`` and ``release()``.
    func run(_ body: @escaping (Int) -> Void) {
        guard size > 1 else { return body(0) }
        self.body = body
        pending.store(size - 1, ordering: .relaxed)
        generation.add(1, ordering: .sequentiallyConsistent)
        let asleep = sleeping.load(ordering: .sequentiallyConsistent)
        for index in wake.indices where asleep & (1 << index) != 0 {
            wake[index].signal()
        }
        body(0)
        var spins = 0
        while pending.load(ordering: .acquiring) > 0 {
            spins += 1
            if spins > Self.pureSpins { sched_yield() }
        }
        self.body = nil
    }

    private func loop(_ worker: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < Self.spins {
                    if spins > Self.pureSpins { sched_yield() }
                    continue
                }
                // Announce the sleep, then look once more: a `run` that bumped the
                // generation before seeing the flag would otherwise never signal.
                let bit = 1 << (worker - 1)
                sleeping.bitwiseOr(bit, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) == seen {
                    wake[worker - 1].wait()
                }
                sleeping.bitwiseAnd(~bit, ordering: .sequentiallyConsistent)
                spins = 0
            }
            seen = generation.load(ordering: .acquiring)
            body?(worker)
            pending.subtract(1, ordering: .releasing)
        }
    }
}
