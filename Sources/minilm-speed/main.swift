// In-process throughput of MiniLMModel.embed, the Swift counterpart of
// ../shared/bench/minilm/bench_encode.py (same corpora, same points):
//   short-b1 / long-b1   one embed([text]) call per text, cycling the corpus
//   short-b32 / long-b32 embed(32 texts) per call
// Usage: minilm-speed [--threads N] [--duration S] [--model-dir DIR] [--corpus-dir DIR]
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

func lines(_ name: String) throws -> [String] {
    try String(contentsOf: corpusDir.appendingPathComponent(name), encoding: .utf8)
        .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

let start = Date()
let model = try MiniLMModel(directory: modelDir, threads: threads)
print("threads \(threads), load \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
let corpora = ["short": try lines("corpus_short.txt"), "long": try lines("corpus_long.txt")]

for (name, batch) in [("short", 1), ("short", 32), ("long", 1), ("long", 32)] {
    let corpus = corpora[name]!
    _ = try model.embed(Array(corpus.prefix(batch)))  // warm up
    var latencies: [Double] = []
    var sentences = 0
    var next = 0
    let began = Date()
    while Date().timeIntervalSince(began) < duration {
        let texts = (0..<batch).map { corpus[(next + $0) % corpus.count] }
        next += batch
        let t0 = Date()
        _ = try model.embed(texts)
        latencies.append(Date().timeIntervalSince(t0) * 1000)
        sentences += batch
    }
    let elapsed = Date().timeIntervalSince(began)
    latencies.sort()
    let p50 = latencies[latencies.count / 2]
    print(String(format: "%@-b%d: %.1f sentences/s, p50 %.2f ms per call (%d calls)", name, batch, Double(sentences) / elapsed, p50, latencies.count))
}
