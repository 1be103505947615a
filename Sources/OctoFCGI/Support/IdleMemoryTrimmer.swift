import Foundation
import Synchronization

import Glibc

/// Gives the memory a burst of requests freed back to the system once the
/// process goes quiet (`malloc_trim`), in octoai's own children.
///
/// Why not the fixed mmap threshold nginx gets (``MallocPolicy``): with it, every
/// upload-sized buffer is a fresh mapping whose pages are faulted in and zeroed
/// for each request: with 5 MiB uploads at c=16 the responder and the model
/// owner spent 7.7-9.7 ms of CPU per upload so, against 4.2-5.0 ms reusing their
/// buffers (3 alternating passes; 121-154 against 172-202 req/s through
/// `octoai run`). glibc's adaptive threshold
/// reuses freed buffers from the heap instead, at no cost, but never returns
/// them: a responder that had served 5 MiB uploads stayed at ~160 MB. With this
/// thread a process gets both: reuse while requests come, and `malloc_trim(0)`,
/// which returns the free pages inside the heap and its top (the children run
/// with one arena for that, ``MallocPolicy/reusingLargeAllocations(_:)``), when
/// its CPU time has stood still for a tick after enough work to have left memory
/// behind. A process that stays busy keeps what it reuses, bounded by what it
/// has in flight.
package enum IdleMemoryTrimmer {
    /// How often the process's CPU time is looked at.
    static let tick: useconds_t = 200_000
    /// CPU time in one tick below which the process counts as quiet (1% of a core).
    static let quietNanoseconds: UInt64 = 2_000_000
    /// CPU time since the last trim after which a quiet tick trims: less work
    /// than that (a trickle of small JSON calls) holds no memory worth a trim.
    static let workNanoseconds: UInt64 = 20_000_000

    /// glibc's `malloc_trim`, which Swift's Glibc module does not import
    /// (`<malloc.h>`); nil on a C library without it.
    static let trim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()

    /// What else runs on a quiet tick, before the trim (``whenQuiet(_:)``).
    private static let quietActions = Mutex<[@Sendable () -> Void]>([])

    /// Runs `action` on every quiet tick that trims, just before the trim: for
    /// what a burst left behind that is not malloc's to give back (the model-owner
    /// connections a responder opened for it, and the owner's threads serving them).
    package static func whenQuiet(_ action: @escaping @Sendable () -> Void) {
        quietActions.withLock { $0.append(action) }
    }

    /// Starts the thread; once per process.
    package static func start() {
        let thread = Thread {
            var last = processCPUNanoseconds()
            var sinceTrim: UInt64 = 0
            while true {
                usleep(tick)
                let now = processCPUNanoseconds()
                let used = now &- last
                last = now
                guard shouldTrim(used: used, sinceTrim: &sinceTrim) else { continue }
                for action in quietActions.withLock({ $0 }) { action() }
                _ = trim?(0)
            }
        }
        thread.name = "memory-trimmer"
        thread.stackSize = 64 << 10
        thread.start()
    }

    /// Whether a tick in which the process used `used` ns of CPU ends with a trim;
    /// `sinceTrim` adds up the work since the last one.
    static func shouldTrim(used: UInt64, sinceTrim: inout UInt64) -> Bool {
        sinceTrim &+= used
        guard used < quietNanoseconds, sinceTrim >= workNanoseconds else { return false }
        sinceTrim = 0
        return true
    }

    static func processCPUNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
