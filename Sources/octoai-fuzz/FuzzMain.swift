import Foundation
import FuzzTargets

// Built by scripts/fuzz.sh with `-sanitize=fuzzer,address -DFUZZING`: libFuzzer
// drives `LLVMFuzzerTestOneInput` for the target named by FUZZ_TARGET.
// In a normal build it is a corpus runner: `octoai-fuzz TARGET FILE...`.
#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "json"
    FuzzTargets.all[name]?(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
@main
struct CorpusRunner {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTargets.all[name] else {
            FileHandle.standardError.write(Data("usage: octoai-fuzz scgi|multipart|json FILE...\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() { target(Array(try Data(contentsOf: URL(fileURLWithPath: path)))) }
    }
}
#endif
