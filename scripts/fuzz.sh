#!/usr/bin/env bash
# Fuzzes the parsers that face the network with libFuzzer + AddressSanitizer, each for a
# bounded time (not part of CI). It starts from Tests/FuzzCorpus/<target>/ (seeds and
# inputs that once crashed, replayed by the normal suite in FuzzCorpusTests) and grows a
# working corpus in .build-fuzz/corpus/<target>/. A crash is written to
# .build-fuzz/crashes/<target>/: fix it, then copy the input into Tests/FuzzCorpus/<target>/.
#   SECONDS_PER_TARGET [60]  TARGETS ["scgi multipart json"]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SECONDS_PER_TARGET:-60}
# OCTOAI_FUZZ: Package.swift instruments OctoFCGI and the targets and links libFuzzer
# (without its main) into octoai-fuzz alone.
library=$(ls "$(dirname "$(command -v swift)")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-"$(uname -m)".a | head -1)
OCTOAI_FUZZ="$library" swift build --scratch-path .build-fuzz --product octoai-fuzz
for target in ${TARGETS:-scgi multipart json}; do
    mkdir -p ".build-fuzz/corpus/$target" ".build-fuzz/crashes/$target"
    echo "== $target (${seconds}s)" >&2
    # Leak reports at exit are the Swift runtime's global caches, not findings.
    ASAN_OPTIONS=detect_leaks=0 FUZZ_TARGET=$target .build-fuzz/debug/octoai-fuzz ".build-fuzz/corpus/$target" "Tests/FuzzCorpus/$target" \
        -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=".build-fuzz/crashes/$target/" -print_final_stats=1
done
