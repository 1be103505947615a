#!/usr/bin/env bash
# Fuzzes the parsers that face the network with libFuzzer + AddressSanitizer, each for a
# bounded time (not part of CI). New interesting inputs go to Tests/FuzzCorpus/<target>/,
# which the normal test suite replays (Tests/OctoFCGITests/FuzzCorpusTests.swift).
#   SECONDS_PER_TARGET [60]  TARGETS ["scgi multipart json"]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SECONDS_PER_TARGET:-60}
# OCTOAI_FUZZ: Package.swift instruments OctoFCGI and the targets and links libFuzzer
# (without its main) into octoai-fuzz alone.
library=$(ls "$(dirname "$(command -v swift)")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | head -1)
OCTOAI_FUZZ="$library" swift build --scratch-path .build-fuzz --product octoai-fuzz
for target in ${TARGETS:-scgi multipart json}; do
    mkdir -p "Tests/FuzzCorpus/$target" ".build-fuzz/crashes/$target"
    echo "== $target (${seconds}s)" >&2
    FUZZ_TARGET=$target .build-fuzz/debug/octoai-fuzz "Tests/FuzzCorpus/$target" \
        -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=".build-fuzz/crashes/$target/" -print_final_stats=1
done
