/// How glibc's malloc should treat large allocations in the processes that hold
/// request bodies: octoai's children and the nginx `octoai run` starts.
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

    /// `environment` with ``variable`` set to ``threshold`` and ``hugePages``
    /// added to `GLIBC_TUNABLES`, each unless the operator set it already (their
    /// choice wins; their other tunables are kept).
    package static func mappingLargeAllocations(_ environment: [String: String]) -> [String: String] {
        var environment = environment
        if environment[variable] == nil { environment[variable] = String(threshold) }
        let tunables = environment["GLIBC_TUNABLES", default: ""]
        let name = hugePages.prefix { $0 != "=" }
        if !tunables.split(separator: ":").contains(where: { $0.prefix { $0 != "=" } == name }) {
            environment["GLIBC_TUNABLES"] = tunables.isEmpty ? hugePages : tunables + ":" + hugePages
        }
        return environment
    }
}
