#!/usr/bin/env bash
# bench/stream.sh - streams and futures (issue 13) through nginx: `octoai --service-class
# EchoService run` with its defaults, and bench/stream_bench.py as the client (one thread
# per connection). Rows: POST /infer (the baseline a stream item is compared with),
# POST /stream with ITEMS characters (items/s, time to first item p50/p99), and
# X-OctoAI-Async futures (submit + poll + fetch round trips/s) at c = CONC.
# Writes bench/STREAM_RESULTS.md. Loopback only; everything it starts it stops by PID.
#
# Env: BIN [.build/release/octoai, brought up to date unless NO_BUILD=1]  PORT [18480]  DURATION [8]  CONC ["1 16 64"]
#      ITEMS [32]  NO_BUILD [0]  RESULTS [bench/STREAM_RESULTS.md]
#      ARGS ["--futures-max-count 100000"]: the futures rows submit more than the default bound
#      (10,000 kept, a fetched one for 60 s) allows within a minute; past it they would get 503, as designed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/octoai}
PORT=${PORT:-18480}
DURATION=${DURATION:-8}
CONC=${CONC:-"1 16 64"}
ITEMS=${ITEMS:-32}
RESULTS=${RESULTS:-bench/STREAM_RESULTS.md}
OUT=$(mktemp -d "${TMPDIR:-/tmp}/octo-streambench-XXXXXX")
if [ "${NO_BUILD:-0}" != 1 ] && [ "$BIN" = .build/release/octoai ]; then swift build -c release --product octoai > /dev/null; fi
ARGS=${ARGS:---futures-max-count 100000}
# shellcheck disable=SC2086
SETUP_SECONDS=0 "$BIN" --service-class EchoService run --port "$PORT" $ARGS > "$OUT/octoai.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthcheck" > /dev/null && break; sleep 0.1; done
python3 bench/stream_bench.py "$PORT" "$OUT/rows.json" --duration "$DURATION" --conc "$CONC" --items "$ITEMS"
python3 - "$OUT/rows.json" "$RESULTS" "$BIN" "$ITEMS" "$DURATION" "$ARGS" <<'PY'
import json, os, subprocess, sys, datetime
rows, results, binary, items, duration, args = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
load = open("/proc/loadavg").read().split()[:3]
out = [f"# Streams and futures benchmark (issue 13)", "",
       "Written by `bash bench/stream.sh` (re-run to refresh).", "",
       f"- Machine: {cpu}, {os.cpu_count()} CPUs; load average at the end {' '.join(load)}",
       f"- Date: {datetime.datetime.utcnow().strftime('%Y-%m-%dT%H:%MZ')}; commit {commit}; binary `{binary}`",
       f"- Server: `octoai --service-class EchoService run {args}` (otherwise its defaults: 1 responder x 16 threads, model owner, 1 call at a time; nginx 1 worker)",
       f"- Client: `bench/stream_bench.py`, one Python thread per connection, a new connection per call, {duration} s per row; "
       f"`/stream` streams {items} items (`{{\"prompt\": \"x\"*{items}, \"max_tokens\": {items}}}`, no delay); futures poll every 1 ms.", "",
       "| c | kind | calls/s | items/s | p50 ms | p99 ms | first item p50 ms | first item p99 ms | errors |",
       "|---|---|---|---|---|---|---|---|---|"]
for r in rows:
    out.append(f"| {r['c']} | {r['kind']} | {r['calls_per_s']:,} | {r['items_per_s']:,} | {r['p50_ms']} | {r['p99_ms']} | "
               f"{r['first_item_p50_ms'] or '-'} | {r['first_item_p99_ms'] or '-'} | {r['errors']} |")
out += ["", "Per item, beside a plain call (same client, same c): a stream of N items costs the time of"
        " one call plus N x (per-item time); per-item time = (1/stream calls/s - 1/infer calls/s) / N, in µs of the whole backend's"
        " throughput at that c:", ""]
for c in sorted({r["c"] for r in rows}):
    infer = next(r for r in rows if r["c"] == c and r["kind"] == "infer")
    stream = next(r for r in rows if r["c"] == c and r["kind"] == "stream")
    per_item = (1 / stream["calls_per_s"] - 1 / infer["calls_per_s"]) / items * 1e6
    out.append(f"- c={c}: infer {infer['calls_per_s']:,}/s, stream {stream['calls_per_s']:,}/s ({stream['items_per_s']:,} items/s): "
               f"{per_item:.1f} µs per item, {per_item * 1e-6 * infer['calls_per_s'] * 100:.0f}% of a call's share")
out += ["", "## Notes", ""]
old = open(results).read() if os.path.exists(results) else ""
notes = old.split("## Notes", 1)[1].lstrip("\n") if "## Notes" in old else ""
open(results, "w").write("\n".join(out) + "\n" + notes)
print("\n".join(out))
PY
