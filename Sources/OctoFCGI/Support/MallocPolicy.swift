/// How glibc's malloc should treat large allocations in the processes that hold
/// request bodies: the nginx `octoai run` starts and a Python service's model
/// owner (``mappingLargeAllocations(_:)``), and octoai's own children
/// (``reusingLargeAllocations(_:)``).
///
/// glibc serves an allocation of 128 KiB or more with its own mapping and unmaps
/// it on free, but the first such free raises that threshold to the freed size
/// (up to 32 MiB), so every later upload-sized buffer comes from the heap, and a
/// heap with small allocations above them never shrinks: responders that had
/// served 5 MiB uploads stayed at ~160 MB RSS, and the nginx worker at ~335 MB
/// after a c=64 load of them (bench/UPLOAD_RESULTS.md). Setting the threshold
/// turns that adjustment off: every large buffer is mapped and given back when
/// freed, so memory returns to idle once the load ends and is at most the bodies
/// in flight while it lasts.
///
/// Those mappings are also advised for transparent huge pages (the
/// `glibc.malloc.hugetlb=1` tunable): filling a fresh 5 MiB body otherwise takes
/// 1,280 page faults, and in the nginx worker they were a third of its CPU per
/// upload. A/B on `octoai run`, 5 MiB uploads at c=16, 3 alternating passes of
/// 8 s: the nginx worker 5.3-5.6 -> 3.6-3.8 ms CPU per upload, 91-95 -> 105-118
/// req/s, idle and after-load RSS unchanged. It does nothing where the system's
/// THP setting is `never`.
///
/// octoai's own children (responders, a Swift model owner) keep glibc's adaptive
/// threshold instead, so that a freed body's memory serves the next one without
/// a page fault, and give it back with ``IdleMemoryTrimmer`` once they are
/// quiet; they get the huge pages and one arena (see ``reusingLargeAllocations(_:)``).
///
/// glibc reads the variables once, when a process starts; forked processes (nginx's
/// workers) keep the parent's setting. A system nginx needs it in its own
/// environment: `deploy/systemd/nginx.service.d/octoai.conf`, the Kubernetes
/// manifest's nginx container.
package enum MallocPolicy {
    /// glibc's name for the threshold (an alias of the `glibc.malloc.mmap_threshold` tunable).
    package static let variable = "MALLOC_MMAP_THRESHOLD_"
    /// 256 KiB: above every buffer of a small request (headers, FastCGI records,
    /// JSON bodies of a few KiB stay on the heap, where reuse is free).
    package static let threshold = 262_144

    /// The tunable that advises glibc's mappings for huge pages, in `GLIBC_TUNABLES`.
    package static let hugePages = "glibc.malloc.hugetlb=1"

    /// glibc's name for the number of malloc arenas (`glibc.malloc.arena_max`).
    package static let arenas = "MALLOC_ARENA_MAX"

    /// `environment` with ``variable`` set to ``threshold`` and ``hugePages``
    /// added to `GLIBC_TUNABLES`, each unless the operator set it already (their
    /// choice wins; their other tunables are kept).
    package static func mappingLargeAllocations(_ environment: [String: String]) -> [String: String] {
        var environment = withHugePages(environment)
        if environment[variable] == nil { environment[variable] = String(threshold) }
        return environment
    }

    /// The tunable that frees an exited thread's stack instead of caching it, in `GLIBC_TUNABLES`.
    ///
    /// glibc keeps the stacks of exited threads, up to 40 MiB, to reuse for the
    /// next ones, and keeps their touched pages resident: after a c=64 burst the
    /// responder's extra FastCGI threads leave as nginx's connections end, and
    /// 55 cached 1 MiB stacks still held 676 KiB; the model owner's connection
    /// threads (``IdleMemoryTrimmer/whenQuiet(_:)`` ends them) would keep theirs
    /// the same way. Threads are started only when connections outnumber them, so
    /// mapping a fresh stack then costs nothing a request waits for.
    package static let noStackCache = "glibc.pthread.stack_cache_size=0"

    /// `environment` with ``hugePages``, ``noStackCache`` and one malloc arena
    /// (``arenas``), each unless the operator set it, for a process that trims its
    /// own heap (``IdleMemoryTrimmer``). Why one arena: `malloc_trim` returns the free
    /// memory inside every arena but not the top of a thread's arena, where a
    /// freed body ends up, so each thread that had read an upload kept one body
    /// (+48 MiB in a responder after 5 MiB uploads at c=16); with the main arena
    /// alone it is given back too. Small allocations mostly come from each
    /// thread's cache (tcache) without the arena's lock: echo `/infer` at c=16
    /// did 15.1-16.2k req/s with one arena against 14.1-15.7k with the default.
    package static func reusingLargeAllocations(_ environment: [String: String]) -> [String: String] {
        var environment = withTunable(noStackCache, in: withHugePages(environment))
        if environment[arenas] == nil { environment[arenas] = "1" }
        return environment
    }

    /// `environment` with ``hugePages`` added to `GLIBC_TUNABLES` unless the
    /// operator set that tunable (their other tunables are kept).
    static func withHugePages(_ environment: [String: String]) -> [String: String] {
        withTunable(hugePages, in: environment)
    }

    /// `environment` with `setting` (`name=value`) added to `GLIBC_TUNABLES`
    /// unless the operator set that tunable (their other tunables are kept).
    static func withTunable(_ setting: String, in environment: [String: String]) -> [String: String] {
        var environment = environment
        let tunables = environment["GLIBC_TUNABLES", default: ""]
        let name = setting.prefix { $0 != "=" }
        if !tunables.split(separator: ":").contains(where: { $0.prefix { $0 != "=" } == name }) {
            environment["GLIBC_TUNABLES"] = tunables.isEmpty ? setting : tunables + ":" + setting
        }
        return environment
    }
}
