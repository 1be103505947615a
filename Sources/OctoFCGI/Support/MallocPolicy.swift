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
/// glibc reads the variable once, when a process starts; forked processes (nginx's
/// workers) keep the parent's setting. A system nginx needs it in its own
/// environment: `deploy/systemd/nginx.service.d/octoai.conf`, the Kubernetes
/// manifest's nginx container.
package enum MallocPolicy {
    /// glibc's name for the threshold (an alias of the `glibc.malloc.mmap_threshold` tunable).
    package static let variable = "MALLOC_MMAP_THRESHOLD_"
    /// 256 KiB: above every buffer of a small request (headers, FastCGI records,
    /// JSON bodies of a few KiB stay on the heap, where reuse is free).
    package static let threshold = 262_144

    /// `environment` with ``variable`` set to ``threshold``, unless it is set
    /// already (the operator's choice wins).
    package static func mappingLargeAllocations(_ environment: [String: String]) -> [String: String] {
        var environment = environment
        if environment[variable] == nil { environment[variable] = String(threshold) }
        return environment
    }
}
