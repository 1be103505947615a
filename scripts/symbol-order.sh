#!/usr/bin/env bash
# Regenerates Sources/octoai/symbol-order.txt: the functions a serving `octoai` process
# runs, which the release link (Package.swift) places together at the start of the code.
#
# Why: every process (supervisor, model owner, responders) maps the same 100 MB binary,
# and the kernel maps 64 KiB of code around each function a process touches. Scattered
# over 18 MB of code, the ~1.2 MB of functions a server runs kept ~8 MB resident in each
# process; packed, ~5 MB (bench/RESULTS.md, memory). A stale list is harmless: names that
# no longer exist are skipped, new functions just land elsewhere. Rerun it after large
# changes to the serving path (not part of CI; needs valgrind, nginx and wrk).
#
# What it does: builds the release binary (unless BIN is given), runs `octoai run` with
# EchoService under callgrind (every octoai process, nginx skipped), sends a mix of
# requests through nginx (health, /infer valid and invalid, the extra endpoints, a form
# upload, /metrics, /docs, 404/405, bursts of concurrent calls), stops it, and writes the
# functions that ran in the octoai binary in the supervisor, model owner and responder
# (not in `octoai run` itself): those all three ran first, then those two ran, each
# process's own last; within a group, by instructions spent.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install -y valgrind)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)" >&2; exit 2; }
PORT=${PORT:-18395}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/octo-symbol-order.XXXXXX")
if [ -z "${BIN:-}" ]; then
    swift build -c release --static-swift-stdlib --product octoai > "$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log" >&2; exit 2; }
    BIN=.build/release/octoai
fi
# valgrind cannot read the debug info lld writes; function names come from the symbol table.
strip --strip-debug -o "$WORK/octoai" "$BIN"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; true; }
trap cleanup EXIT
SETUP_SECONDS=0 valgrind --tool=callgrind --trace-children=yes --trace-children-skip='*nginx*' \
    --demangle=no --compress-strings=no --compress-pos=no --callgrind-out-file="$WORK/cg.%p" \
    "$WORK/octoai" --service-class EchoService run --port "$PORT" > "$WORK/octoai.log" 2>&1 &
PID=$!
U=http://127.0.0.1:$PORT
for _ in $(seq 1 120); do curl -sf -o /dev/null "$U/healthcheck" && break; sleep 1; done
curl -sf -o /dev/null "$U/healthcheck" || { tail -20 "$WORK/octoai.log" >&2; exit 1; }
head -c 300000 /dev/urandom > "$WORK/upload.bin"
printf 'wrk.method = "POST"\nwrk.body = [[{"prompt":"hello"}]]\nwrk.headers["Content-Type"] = "application/json"\n' > "$WORK/infer.lua"
json() { curl -s -o /dev/null -H 'content-type: application/json' -d "$2" "$U$1"; }
for _ in $(seq 1 20); do
    curl -s -o /dev/null "$U/healthcheck"; curl -s -o /dev/null "$U/"; curl -s -o /dev/null "$U/metrics"
    json /infer '{"prompt":"hello"}'; json /infer '{"prompt":5}'; json /infer '{bad'; json /infer '{"prompt":"hi","max_tokens":-2}'
    json /tokenize '{"text":"hello world"}'; curl -s -o /dev/null "$U/nope"; curl -s -o /dev/null -X PUT "$U/infer"
    curl -s -o /dev/null -F "file=@$WORK/upload.bin" -F label=x "$U/upload"
done
curl -s -o /dev/null "$U/openapi.json"; curl -s -o /dev/null "$U/docs"
cat > "$WORK/upload.lua" <<'LUA'
local b = "octoorderboundary"
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. b
wrk.body = "--" .. b .. '\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\n\r\n'
  .. string.rep("x", 1024 * 1024) .. "\r\n--" .. b .. '\r\nContent-Disposition: form-data; name="label"\r\n\r\nx\r\n--' .. b .. "--\r\n"
LUA
for c in 16 64; do wrk -t1 -c$c -d4s -s "$WORK/infer.lua" "$U/infer" > /dev/null; done
wrk -t1 -c16 -d3s "$U/healthcheck" > /dev/null
wrk -t1 -c16 -d3s -s "$WORK/upload.lua" "$U/upload" > /dev/null
kill -TERM "$PID"; wait "$PID" || true; PID=""
python3 - "$WORK" > Sources/octoai/symbol-order.txt <<'EOF'
import collections, glob, os, re, sys
cost = collections.Counter(); who = collections.defaultdict(set)
paths = sorted(glob.glob(os.path.join(sys.argv[1], "cg.*")))
# `octoai run` itself only starts nginx and the backend: not one of the processes to pack for.
paths = [p for p in paths if not any(l.startswith("cmd:") and " run " in l for l in open(p, errors="replace"))]
for k, path in enumerate(paths):
    ob = fn = None
    for line in open(path, errors="replace"):
        if line.startswith("ob="): ob = line[3:].strip()
        elif line.startswith("fn="):
            fn = line[3:].strip() if ob and ob.endswith("/octoai") else None
            if fn: who[fn].add(k)
        elif fn and line[:1].isdigit():
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit(): cost[fn] += int(parts[1])
for f in sorted(who, key=lambda f: (-len(who[f]), sorted(who[f]), -cost[f])):
    f = re.sub(r"'\d+$", "", f)
    if re.match(r"^[$_A-Za-z]", f): print(f)
EOF
echo "wrote Sources/octoai/symbol-order.txt ($(wc -l < Sources/octoai/symbol-order.txt) functions; profiles in $WORK)"
