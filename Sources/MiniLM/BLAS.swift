import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// OpenBLAS, opened with `dlopen` when a model is loaded instead of linked into the
/// executable.
///
/// Why: every `octoai` process is the same binary, but only the model owner runs
/// the encoder. Linked, OpenBLAS (and libgfortran) were loaded, relocated and
/// initialised — thread pool included — in the supervisor and in every responder
/// too, about 1.6 MB resident each for nothing. Only `cblas_sgemm`,
/// `openblas_set_num_threads` and `openblas_get_corename` are resolved.
///
/// Which kernels OpenBLAS runs is chosen here, at run time, from the CPU (see
/// ``coreType(flags:environment:)``): its AVX-512 sgemm where the CPU has AVX-512,
/// else whatever OpenBLAS picks (or `OPENBLAS_CORETYPE` says).
enum BLAS {
    /// CBLAS's `CBLAS_ORDER` / `CBLAS_TRANSPOSE` values (cblas.h).
    static let rowMajor: Int32 = 101
    static let noTrans: Int32 = 111
    static let trans: Int32 = 112

    typealias Sgemm = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32,
        Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
        Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void

    /// The resolved entry points. C function pointers into a library that is never
    /// unloaded, so sharing them between threads is safe.
    struct Library: @unchecked Sendable {
        let sgemm: Sgemm
        let setThreads: SetThreads
        /// OpenBLAS's name for the kernel set it runs ("SkylakeX", "Haswell", ...).
        let coreName: String
    }

    /// `OCTOAI_OPENBLAS_CORETYPE`: a core type to load OpenBLAS with (as its own
    /// `OPENBLAS_CORETYPE`), or `keep` to leave the environment as it is.
    static let overrideVariable = "OCTOAI_OPENBLAS_CORETYPE"

    /// The `OPENBLAS_CORETYPE` to load OpenBLAS with, nil to leave it alone.
    ///
    /// Why: OpenBLAS 0.3.21 (Debian 12) does not know AMD's family 26 (Zen 5): left
    /// to itself it picks "Cooperlake", and machines that run it are often given
    /// `OPENBLAS_CORETYPE=Haswell` so as not to rely on that guess (which older builds
    /// get wrong on new CPUs), which halves the vector width of every GEMM. The
    /// encoder only calls `cblas_sgemm`, whose "SkylakeX" kernels need exactly
    /// AVX-512 F, DQ, BW and VL; where the CPU reports all four they are chosen
    /// (MiniLMTests checks the embeddings they give against the reference), else
    /// the environment is kept. 1.6x the sgemm throughput here (bench/PROFILE.md).
    static func coreType(flags: Set<Substring>, environment: [String: String]) -> String? {
        if let chosen = environment[overrideVariable], !chosen.isEmpty {
            return chosen == "keep" ? nil : chosen
        }
        let avx512: Set<Substring> = ["avx512f", "avx512dq", "avx512bw", "avx512vl"]
        return avx512.isSubset(of: flags) ? "SkylakeX" : nil
    }

    /// The CPU's feature flags as Linux reports them (empty where it does not).
    static func cpuFlags() -> Set<Substring> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return [] }
        return Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }))
    }

    /// The shared object names tried in order: Debian's runtime package
    /// (`libopenblas0`) installs the first; the `-dev` package adds the second.
    static let candidates = ["libopenblas.so.0", "libopenblas.so"]

    /// Opened once, on first use, by whichever thread gets here first.
    static let library: Result<Library, BLASUnavailable> = open()

    /// The library, or why it could not be opened.
    static func load() throws(BLASUnavailable) -> Library {
        try library.get()
    }

    /// The library on the hot path. Only reached through a ``BertEncoder``, whose
    /// model called ``load()`` before building it, so the failure case is a bug.
    static var loaded: Library {
        switch library {
        case .success(let library): return library
        case .failure(let error): preconditionFailure("BLAS used before MiniLMModel loaded it: \(error)")
        }
    }

    private static func open() -> Result<Library, BLASUnavailable> {
        let core = coreType(flags: cpuFlags(), environment: ProcessInfo.processInfo.environment)
        return withEnvironment("OPENBLAS_CORETYPE", core) { openLibrary() }
    }

    /// `body()` with `name` set to `value` (when not nil), then `name` as it was:
    /// OpenBLAS reads its environment once, while `dlopen` runs its constructor, and
    /// the processes this one starts later must inherit the environment unchanged.
    private static func withEnvironment<T>(_ name: String, _ value: String?, _ body: () -> T) -> T {
        guard let value else { return body() }
        let previous = getenv(name).map { String(cString: $0) }
        setenv(name, value, 1)
        defer {
            if let previous { setenv(name, previous, 1) } else { unsetenv(name) }
        }
        return body()
    }

    private static func openLibrary() -> Result<Library, BLASUnavailable> {
        var errors: [String] = []
        for name in candidates {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                errors.append(dlerror().map { String(cString: $0) } ?? name)
                continue
            }
            guard let sgemm = dlsym(handle, "cblas_sgemm"),
                  let setThreads = dlsym(handle, "openblas_set_num_threads")
            else {
                errors.append("\(name): cblas_sgemm or openblas_set_num_threads missing")
                continue
            }
            typealias CoreName = @convention(c) () -> UnsafePointer<CChar>?
            let coreName = dlsym(handle, "openblas_get_corename")
                .flatMap { unsafeBitCast($0, to: CoreName.self)() }
                .map { String(cString: $0) } ?? "unknown"
            return .success(Library(
                sgemm: unsafeBitCast(sgemm, to: Sgemm.self),
                setThreads: unsafeBitCast(setThreads, to: SetThreads.self),
                coreName: coreName
            ))
        }
        return .failure(BLASUnavailable(reasons: errors))
    }
}

/// OpenBLAS could not be opened: the model cannot run in this process.
public struct BLASUnavailable: Error, CustomStringConvertible {
    /// What `dlopen`/`dlsym` said for each name tried.
    public let reasons: [String]

    public var description: String {
        "OpenBLAS is not installed (apt-get install libopenblas0): " + reasons.joined(separator: "; ")
    }
}
