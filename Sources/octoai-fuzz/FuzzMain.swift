import Foundation
import FuzzTargets

#if FUZZING
/// libFuzzer's driver (from `libclang_rt.fuzzer_no_main`, linked by scripts/fuzz.sh).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The target FUZZ_TARGET names, looked up once.
nonisolated(unsafe) var fuzzTarget: (@Sendable ([UInt8]) -> Void)?
#endif

/// Built by scripts/fuzz.sh (`OCTOAI_FUZZ`), libFuzzer drives the target named by
/// FUZZ_TARGET. In a normal build it is a corpus runner: `octoai-fuzz TARGET FILE...`.
@main
struct FuzzMain {
    static func main() throws {
        #if FUZZING
        fuzzTarget = FuzzTargets.all[ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "json"]
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in
            if let data { fuzzTarget?(Array(UnsafeBufferPointer(start: data, count: size))) }
            return 0
        })
        #else
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTargets.all[name] else {
            FileHandle.standardError.write(Data("usage: octoai-fuzz scgi|multipart|json FILE...\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() { target(Array(try Data(contentsOf: URL(fileURLWithPath: path)))) }
        #endif
    }
}
