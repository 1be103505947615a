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
/// too, about 1.6 MB resident each for nothing. Only `cblas_sgemm` and
/// `openblas_set_num_threads` are used, so two symbols are all there is to resolve.
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
            return .success(Library(
                sgemm: unsafeBitCast(sgemm, to: Sgemm.self),
                setThreads: unsafeBitCast(setThreads, to: SetThreads.self)
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
