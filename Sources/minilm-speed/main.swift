// In-process throughput of MiniLMModel.embed, the Swift counterpart of
// ../shared/bench/minilm/bench_encode.py (same corpora, same points):
//   short-b1 / long-b1   one embed([text]) call per text, cycling the corpus
//   short-b32 / long-b32 embed(32 texts) per call
//   --profile N          instead: CPU time and GFLOP/s of each encoder step per point,
//                        over N calls (the source of bench/PROFILE.md's encoder section)
// Usage: minilm-speed [--threads N] [--duration S] [--points short-b1,long-b32,...]
//                     [--profile N] [--model-dir DIR] [--corpus-dir DIR]
import Foundation
import MiniLM

func option(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
    return args[i + 1]
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let threads = Int(option("--threads", "1")) ?? 1
let duration = Double(option("--duration", "5")) ?? 5
let modelDir = URL(fileURLWithPath: option("--model-dir", root.appendingPathComponent(".build-cache/minilm").path))
let corpusDir = URL(fileURLWithPath: option("--corpus-dir", root.appendingPathComponent("../shared/bench/minilm").standardized.path))

/// CPU seconds of the whole process (all threads): throughput per CPU second is
/// what a busy, shared machine cannot distort much, unlike wall time.
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func lines(_ name: String) throws -> [String] {
    try String(contentsOf: corpusDir.appendingPathComponent(name), encoding: .utf8)
        .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

let start = Date()
let model = try MiniLMModel(directory: modelDir, threads: threads)
print("blas \(try MiniLMModel.blasCore())")
print("threads \(threads), load \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
let corpora = ["short": try lines("corpus_short.txt"), "long": try lines("corpus_long.txt")]

let points = option("--points", "short-b1,short-b32,long-b1,long-b32").split(separator: ",").map(String.init)
if let calls = Int(option("--profile", "")) {
    for point in points {
        let parts = point.split(separator: "-b")
        guard parts.count == 2, let batch = Int(parts[1]), let corpus = corpora[String(parts[0])] else { fatalError("bad point \(point)") }
        let profile = EncoderProfile()
        model.profile(Array(corpus.prefix(batch)), onTeam: threads > 1, into: EncoderProfile())  // warm up
        let tokens = corpus.prefix(batch).map { model.tokenize($0).count }.reduce(0, +)
        for call in 0..<calls {
            let texts = (0..<batch).map { corpus[(call * batch + $0) % corpus.count] }
            model.profile(texts, onTeam: threads > 1, into: profile)
        }
        let total = profile.seconds.values.reduce(0, +)
        print("PROFILE \(point) threads \(threads): \(calls) calls, ~\(tokens) tokens per call, \(String(format: "%.3f", total * 1000 / Double(calls))) ms CPU of part 0 per call")
        for stage in EncoderProfile.Stage.allCases {
            let seconds = profile.seconds[stage] ?? 0, flops = profile.flops[stage] ?? 0
            print(String(
                format: "PROFILE %@\t%@\t%.3f ms/call\t%.1f%%\t%@",
                point, stage.rawValue, seconds * 1000 / Double(calls), 100 * seconds / max(total, 1e-12),
                flops > 0 ? String(format: "%.1f GFLOP/s", flops / seconds / 1e9) : "-"
            ))
        }
    }
    exit(0)
}
for point in points {
    let parts = point.split(separator: "-b")
    guard parts.count == 2, let batch = Int(parts[1]), batch > 0 else { fatalError("bad point \(point)") }
    let name = String(parts[0])
    guard let corpus = corpora[name] else { fatalError("no corpus \(name)") }
    _ = try model.embed(Array(corpus.prefix(batch)))  // warm up
    var latencies: [Double] = []
    var sentences = 0
    var next = 0
    let began = Date()
    let cpuBegan = cpuSeconds()
    while Date().timeIntervalSince(began) < duration {
        let texts = (0..<batch).map { corpus[(next + $0) % corpus.count] }
        next += batch
        let t0 = Date()
        _ = try model.embed(texts)
        latencies.append(Date().timeIntervalSince(t0) * 1000)
        sentences += batch
    }
    let elapsed = Date().timeIntervalSince(began)
    let cpu = cpuSeconds() - cpuBegan
    latencies.sort()
    let p50 = latencies[latencies.count / 2]
    print(String(
        format: "%@-b%d: %.1f sentences/s wall, %.1f per CPU second, p50 %.2f ms per call (%d calls)",
        name, batch, Double(sentences) / elapsed, Double(sentences) / cpu, p50, latencies.count
    ))
}

let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
print(status.split(separator: "\n").filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM") }.joined(separator: ", "))
