// swift-tools-version:6.0
import CompilerPluginSupport
import Foundation
import PackageDescription

// scripts/fuzz.sh sets OCTOAI_FUZZ to the toolchain's libFuzzer-without-main archive:
// the code under test is built with libFuzzer's coverage and AddressSanitizer, and only
// octoai-fuzz links libFuzzer (driven from its own main, see FuzzMain.swift). A normal
// build has none of this.
let fuzzLibrary = ProcessInfo.processInfo.environment["OCTOAI_FUZZ"] ?? ""
let fuzzSwift: [SwiftSetting] = fuzzLibrary.isEmpty ? [] : [.unsafeFlags(["-sanitize=fuzzer,address"]), .define("FUZZING")]
let fuzzLink: [LinkerSetting] = fuzzLibrary.isEmpty ? [] : [.unsafeFlags(["-sanitize=address", fuzzLibrary, "-lstdc++"])]

// Linux only: libfcgi, Glibc, /proc, posix_spawn, shared memory pages and
// network namespaces are what octoai is built on; there is no other platform to declare.
let package = Package(
    name: "octoai-fcgi",
    products: [
        .library(name: "OctoFCGI", targets: ["OctoFCGI"]),
        .library(name: "MiniLM", targets: ["MiniLM"]),
        .executable(name: "octoai", targets: ["octoai"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/swiftlang/swift-syntax", "603.0.0"..<"604.0.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.0"),
    ],
    targets: [
        // libfcgi's fcgiapp.h (Debian: libfcgi-dev).
        .systemLibrary(
            name: "CFCGI",
            pkgConfig: "fcgi",
            providers: [.apt(["libfcgi-dev"])]
        ),
        // all-MiniLM-L6-v2 sentence embeddings: safetensors, WordPiece, BERT encoder on BLAS.
        // Deliberately independent of OctoFCGI so it can be tested and reused alone.
        // OpenBLAS (Debian: libopenblas0) is dlopen'ed by the model, not linked: see BLAS.swift.
        .target(name: "MiniLM", dependencies: ["CMiniLMKernels"]),
        // The encoder's dense layer for a few rows (one short sentence) in AVX2/FMA
        // intrinsics, chosen at run time (MiniLM/Kernels.swift; BLAS otherwise).
        .target(name: "CMiniLMKernels"),
        // In-process speed check of MiniLM (the Swift side of ../shared/bench/minilm/bench_encode.py).
        .executableTarget(name: "minilm-speed", dependencies: ["MiniLM"]),
        // `@Schema`: field defaults and doc comments of Input/Output types, for the derived JSON Schema.
        .macro(
            name: "OctoFCGIMacros",
            dependencies: [
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
            ]
        ),
        .target(
            name: "OctoFCGI",
            dependencies: [
                "CFCGI",
                "OctoFCGIMacros",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            exclude: ["README.md", "ModelHost/Python/README.md"],
            // The Python model-owner host, carried inside the binary (PythonHost.swift).
            resources: [.embedInCode("ModelHost/Python/octoai_fcgi")],
            swiftSettings: fuzzSwift
        ),
        // The services built into the `octoai` binary (EchoService, ...).
        .target(name: "Examples", dependencies: ["OctoFCGI", "MiniLM"]),
        // Release links with lld, for four things that shrink every `octoai` process (the
        // supervisor, model owner and each responder are this binary; bench/RESULTS.md, memory):
        // - packed relative relocations (RELR, glibc >= 2.36): still position-independent, but
        //   the ~2.2 MB of `.rela.dyn` the loader read, and kept resident, becomes ~20 KB;
        // - no exported dynamic symbols: `--static-swift-stdlib` adds `-export-dynamic`, which
        //   put a 1.4 MB dynamic symbol table in the binary that the loader searched (and kept
        //   ~0.8 MB resident) for every libc symbol; nothing looks our symbols up at run time.
        // - the functions a serving process runs (symbol-order.txt, made by
        //   scripts/symbol-order.sh) placed together at the start of the code, instead of
        //   scattered over 18 MB of it, where each one made the kernel map 64 KiB around it;
        // - libstdc++ linked statically (link/libstdc++.so says how): only the parts the Swift
        //   runtime calls, instead of the whole shared library resolved in every process.
        .executableTarget(
            name: "octoai",
            dependencies: ["OctoFCGI", "Examples"],
            exclude: ["symbol-order.txt", "link"],
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
                        "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/octoai/symbol-order.txt",
                        "-Xlinker", "--no-warn-symbol-ordering",
                        "-L\(Context.packageDirectory)/Sources/octoai/link",
                    ],
                    .when(configuration: .release)
                ),
            ]
        ),
        // What the fuzzers (scripts/fuzz.sh) and the corpus regression tests feed inputs to.
        .target(name: "FuzzTargets", dependencies: ["OctoFCGI"], swiftSettings: fuzzSwift),
        .executableTarget(name: "octoai-fuzz", dependencies: ["FuzzTargets"], swiftSettings: fuzzSwift, linkerSettings: fuzzLink),
        .testTarget(
            name: "OctoFCGITests",
            dependencies: [
                "OctoFCGI", "Examples", "OctoFCGIMacros", "FuzzTargets",
                .product(name: "SwiftSyntaxMacrosTestSupport", package: "swift-syntax"),
            ]
        ),
        // Tokenizer and embeddings against ../shared/fixtures/minilm-reference.json.
        .testTarget(name: "MiniLMTests", dependencies: ["MiniLM"]),
        // Real nginx + real `octoai` processes, spoken to over HTTP.
        .testTarget(name: "EndToEndTests", dependencies: ["OctoFCGI", "octoai"]),
    ]
)
