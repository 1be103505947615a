import Glibc

/// Byte arrays for request bodies of megabytes (uploads), backed by huge pages
/// where the kernel offers them.
///
/// A body of several MiB is a fresh `malloc` (glibc maps it anew each time and
/// unmaps it on free, so memory goes back to idle after the load), and filling
/// it faults in every 4 KiB page: 1,280 faults per 5 MiB, each with its page
/// accounting, were a third of the responder's and the model owner's CPU samples
/// on an upload (bench/UPLOAD_RESULTS.md). `madvise(MADV_HUGEPAGE)` on the array's
/// storage before it is written lets the kernel fault 2 MiB at a time instead;
/// where transparent huge pages are off (`never`) it is a no-op, and with
/// `always` it changes nothing. No package wraps this for Swift arrays.
package enum LargeBuffer {
    /// Below this, a body is not worth a system call: it spans less than one huge page.
    static let threshold = 2 << 20

    /// An array of `count` bytes filled by `fill` (which gets the uninitialised
    /// storage and returns how many bytes it wrote), its storage advised for huge
    /// pages first when `count` is at least ``threshold``.
    package static func make(count: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { storage, initialized in
            let raw = UnsafeMutableRawBufferPointer(storage)
            if count >= threshold { advise(raw) }
            initialized = min(count, max(0, fill(raw)))
        }
    }

    /// `madvise(MADV_HUGEPAGE)` over the whole pages inside `buffer`.
    static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + buffer.count) / page * page
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_HUGEPAGE)
    }
}
