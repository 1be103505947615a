#!/usr/bin/env bash
# bench/run.sh - the octoai-fcgi benchmark, with its baselines in the same run.
#
# One command: builds the release binary, installs wrk if missing, then for each
# configuration (FastCGI async, FastCGI sync, SCGI async) starts a private nginx
# (rendered by `octoai nginx-config`) and `octoai fcgi|scgi` (EchoService,
# SETUP_SECONDS=0) and runs wrk rows against 127.0.0.1:
#   infer   POST /infer {"prompt":"hello"}
#   health  GET  /healthcheck
#   spin    POST /infer {"prompt":"spin:0.005"}   (5 ms of CPU per request)
#   upload  POST /upload, 5 MiB multipart         (only if the service has /upload)
# at each concurrency, in passes interleaved with the baselines
# (../shared/bench/anchors.sh, ROWS="A-w1 B-keep C-direct" NGINX_WORKERS_B=1):
#   pass 1: anchors, ours; pass 2: anchors, ours   (A B A B)
# then memory (RSS and PSS of supervisor + model owner + responders after the
# load) and start-up (exec of `octoai fcgi` -> /healthcheck 200 through nginx,
# polled every 5 ms, median of 5), and writes bench/RESULTS.md, judging the
# targets of issue 4 and of issue 14 (target 3, and target 2's upload rate against
# the seed's sync mode; target 2's CPU row, against nginx alone, is bench/uploads.sh's).
#
# Everything it starts it stops again by PID (trap EXIT), also on Ctrl-C.
#
# Env knobs [defaults]:
#   DURATION [10s]         wrk -d per measured run
#   REPS [2]               passes (each: anchors once, ours once)
#   CONCURRENCY ["1 16 64"]
#   QUICK [0]              1 = DURATION=3s, REPS=1 (development; RESULTS.md says so)
#   CONFIGS ["fcgi-async fcgi-async-mc fcgi-sync scgi-async"]
#   ROWS_OURS ["infer health spin upload"]
#   SPIN_CONCURRENCY ["16 64"] the CPU-bound row's c list (at c=1 it is 200 req/s by
#                          construction; skipping it keeps the default run under 15 min)
#   KEEPALIVE [64]         nginx upstream `keepalive`: 1 nginx worker x 64, the default config's rule
#                          (worker_processes x keepalive = 4 x --workers x --threads = 4 x 1 x 16)
#   WORKERS, THREADS [octoai defaults]   passed as --workers / --threads when set
#   EXTRA_ARGS []          more `octoai fcgi|scgi` options (e.g. "--model-concurrency 2")
#   ANCHORS [1]            0 = skip the baselines (ratios then say n/a)
#   ANCHORS_SCRIPT [../shared/bench/anchors.sh]
#   PORT [18280]           our nginx's port (anchors use 18180..18184)
#   OUT [${TMPDIR:-/tmp}/octo-bench-<ts>]   logs and raw TSVs
#   RESULTS [bench/RESULTS.md]
#   SEED_UPLOAD [1]        1 = also run the upload row against the seed in sync mode
#                          (bench/seed/upload_service.py, the anchors' venv), beside ours
#   SEED_PORT [18290]
#   NO_BUILD [0]           1 = use the existing binary
#   BUILD_FLAGS [--static-swift-stdlib]  how the release binary is built: the Swift
#                          runtime and Foundation linked in, as a deployment would (one
#                          file to ship; ~10% less RSS per process than shared libraries)
#   BIN [.build/release/octoai]  the binary to measure
#   SPIN_MC [2]            --model-concurrency of the extra `fcgi-async-mc` configuration,
#                          which runs only the CPU-bound spin row (EchoService is thread-safe)
set -u -o pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then DURATION=${DURATION:-3s}; REPS=${REPS:-1}; fi
DURATION=${DURATION:-10s}
REPS=${REPS:-2}
CONCURRENCY=${CONCURRENCY:-"1 16 64"}
CONFIGS=${CONFIGS:-"fcgi-async fcgi-async-mc fcgi-sync scgi-async"}
SPIN_MC=${SPIN_MC:-2}
BUILD_FLAGS=${BUILD_FLAGS---static-swift-stdlib}
ROWS_OURS=${ROWS_OURS:-"infer health spin upload"}
SPIN_CONCURRENCY=${SPIN_CONCURRENCY:-"16 64"}
KEEPALIVE=${KEEPALIVE:-64}
WORKERS=${WORKERS:-}
THREADS=${THREADS:-}
EXTRA_ARGS=${EXTRA_ARGS:-}
ANCHORS=${ANCHORS:-1}
ANCHORS_SCRIPT=${ANCHORS_SCRIPT:-$REPO/../shared/bench/anchors.sh}
PORT=${PORT:-18280}
TS=$(date +%Y%m%d-%H%M%S)
OUT=${OUT:-${TMPDIR:-/tmp}/octo-bench-$TS}
RESULTS=${RESULTS:-$REPO/bench/RESULTS.md}
NO_BUILD=${NO_BUILD:-0}
SEED_UPLOAD=${SEED_UPLOAD:-1}
SEED_PORT=${SEED_PORT:-18290}
T0=$(date +%s)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

mkdir -p "$OUT" || die "cannot create $OUT"
DIR=$(mktemp -d /tmp/octo-bench-run.XXXXXX) || die "mktemp failed"
chmod 755 "$DIR"          # nginx workers (www-data) must reach the temp paths
SOCK=$DIR/octo.sock
RES=$OUT/ours.tsv
META=$OUT/meta.env
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- process bookkeeping
NGINX_PID=""; OCTO_PID=""; SEED_PID=""
stop_pid() {          # stop_pid PID SIGNAL: one PID we started; wait up to 15 s, then KILL
  local pid=$1 sig=${2:-TERM} i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -"$sig" "$pid" 2>/dev/null
  for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "PID $pid ignored SIG$sig, sending KILL"; kill -KILL "$pid" 2>/dev/null; fi
  wait "$pid" 2>/dev/null || true
}
children_of() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }
stop_octo() {         # the supervisor drains and stops its own children on SIGTERM
  [ -n "$OCTO_PID" ] || return 0
  local kids; kids=$(children_of "$OCTO_PID")
  stop_pid "$OCTO_PID" TERM
  for k in $kids; do  # only if one outlived the supervisor and is still an octoai child
    grep -qa octoai "/proc/$k/cmdline" 2>/dev/null && { log "child $k outlived the supervisor"; stop_pid "$k" TERM; }
  done
  OCTO_PID=""; rm -f "$SOCK"
}
stop_nginx() { stop_pid "$NGINX_PID" QUIT; NGINX_PID=""; }
stop_seed() {         # uvicorn stops its worker on SIGTERM
  [ -n "$SEED_PID" ] || return 0
  local kids; kids=$(children_of "$SEED_PID")
  stop_pid "$SEED_PID" TERM
  for k in $kids; do kill -0 "$k" 2>/dev/null && stop_pid "$k" TERM; done
  SEED_PID=""
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_nginx; stop_octo; stop_seed
  rm -rf "$DIR"
  exit $rc
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM

# ---------------------------------------------------------------- build + prerequisites
if [ "$NO_BUILD" != 1 ]; then
  log "building: swift build -c release $BUILD_FLAGS --product octoai"
  # shellcheck disable=SC2086
  swift build -c release $BUILD_FLAGS --product octoai > "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; die "build failed"; }
fi
BIN=${BIN:-$REPO/.build/release/octoai}
[ -x "$BIN" ] || die "no $BIN"
command -v wrk >/dev/null || { log "installing wrk"; apt-get install -y wrk > "$OUT/apt.log" 2>&1 || { apt-get update > /dev/null 2>&1; apt-get install -y wrk >> "$OUT/apt.log" 2>&1; } || die "cannot install wrk"; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || die "nginx missing (apt-get install -y nginx, or ANCHORS SETUP installs it)"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
ss -Hltn "sport = :$PORT" | grep -q . && die "port $PORT in use (set PORT)"
ANCHOR_SETUP=0
if [ "$ANCHORS" = 1 ]; then
  [ -f "$ANCHORS_SCRIPT" ] || die "no $ANCHORS_SCRIPT (set ANCHORS=0 to skip baselines)"
  for c in nginx wrk spawn-fcgi gcc curl; do command -v "$c" >/dev/null || ANCHOR_SETUP=1; done
  [ -f /usr/include/fcgiapp.h ] || ANCHOR_SETUP=1
  "${VENV:-$HOME/.cache/octo-anchors/venv}/bin/python" -c 'import octoai.server' 2>/dev/null || ANCHOR_SETUP=1
  [ $ANCHOR_SETUP = 1 ] && log "anchors prerequisites missing: its first run gets SETUP=1"
fi
HAS_MC=0; "$BIN" fcgi --help 2>&1 | grep -q -- '--model-concurrency' && HAS_MC=1

# ---------------------------------------------------------------- wrk scripts
DONE_LUA='
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d mean_us=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency.mean, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end'
printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n%s\n' "'{\"prompt\":\"hello\"}'" "$DONE_LUA" > "$OUT/infer.lua"
printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n%s\n' "'{\"prompt\":\"spin:0.005\"}'" "$DONE_LUA" > "$OUT/spin.lua"
printf '%s\n' "$DONE_LUA" > "$OUT/health.lua"
cat > "$OUT/upload.lua" <<EOF
local boundary = "octobenchboundary7MA4YWxkTrZu0gW"
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\n"
  .. 'Content-Disposition: form-data; name="file"; filename="5mib.bin"\r\n'
  .. "Content-Type: application/octet-stream\r\n\r\n"
  .. string.rep("x", 5 * 1024 * 1024)
  .. "\r\n--" .. boundary .. "\r\n"
  .. 'Content-Disposition: form-data; name="label"\r\n\r\n'
  .. "bench"
  .. "\r\n--" .. boundary .. "--\r\n"
$DONE_LUA
EOF
declare -A ROW_PATH=([infer]=/infer [health]=/healthcheck [spin]=/infer [upload]=/upload)

# ---------------------------------------------------------------- nginx + octoai
render_nginx() {      # render_nginx fastcgi|scgi > conf: octoai's own template + private-prefix lines
  local transport=$1
  "$BIN" nginx-config --listen "127.0.0.1:$PORT" --upstream "unix:$SOCK" --worker-processes 1 \
      --keepalive "$KEEPALIVE" --transport "$transport" \
  | sed -e '/^[[:space:]]*user [^;]*;/d' \
        -e "s#^[[:space:]]*pid [^;]*;#daemon off;\npid $DIR/nginx.pid;#" \
        -e 's#^[[:space:]]*error_log [^;]*;#error_log stderr warn;#' \
        -e "s#^\([[:space:]]*\)access_log [^;]*;#\1access_log off;\n\1client_body_temp_path $DIR/client_body;\n\1fastcgi_temp_path $DIR/fastcgi;\n\1proxy_temp_path $DIR/proxy;\n\1scgi_temp_path $DIR/scgi;\n\1uwsgi_temp_path $DIR/uwsgi;\n\1keepalive_requests 10000000;#" \
        -e "s#^\([[:space:]]*\)keepalive $KEEPALIVE;#\1keepalive $KEEPALIVE;\n\1keepalive_requests 10000000;#"
}
start_nginx() {       # start_nginx fastcgi|scgi
  render_nginx "$1" > "$DIR/nginx.conf"
  cp "$DIR/nginx.conf" "$OUT/nginx-$1.conf"
  "$NGINX" -t -p "$DIR" -c "$DIR/nginx.conf" -e stderr >> "$OUT/nginx.log" 2>&1 || die "nginx -t failed, see $OUT/nginx.log"
  "$NGINX" -p "$DIR" -c "$DIR/nginx.conf" -e stderr >> "$OUT/nginx.log" 2>&1 &
  NGINX_PID=$!
  local i; for i in $(seq 1 100); do [ -s "$DIR/nginx.pid" ] && break; sleep 0.05; done
  kill -0 "$NGINX_PID" 2>/dev/null || die "nginx did not start, see $OUT/nginx.log"
}
octo_args() {         # octo_args CONFIG: argv of `octoai fcgi|scgi` for a configuration
  local cfg=$1 cmd=fcgi async=true
  local mc=""
  case $cfg in fcgi-async) ;; fcgi-async-mc) mc=$SPIN_MC ;; fcgi-sync) async=false ;; scgi-async) cmd=scgi ;; scgi-sync) cmd=scgi; async=false ;;
    *) die "unknown config $cfg" ;; esac
  local a=("$BIN" --service-class EchoService "$cmd" --socket "$SOCK" --socket-mode 0666 --async-enable "$async")
  [ -n "$mc" ] && a+=(--model-concurrency "$mc")
  [ -n "$WORKERS" ] && a+=(--workers "$WORKERS")
  [ -n "$THREADS" ] && a+=(--threads "$THREADS")
  # shellcheck disable=SC2206
  [ -n "$EXTRA_ARGS" ] && a+=($EXTRA_ARGS)
  printf '%s\n' "${a[@]}"
}
start_octo() {        # start_octo CONFIG
  local args; mapfile -t args < <(octo_args "$1")
  rm -f "$SOCK"
  SETUP_SECONDS=0 "${args[@]}" >> "$OUT/octoai-$1.log" 2>&1 &
  OCTO_PID=$!
}
wait_health() {       # wait_health TIMEOUT_S
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -le "$end" ]; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/healthcheck")" = 200 ] && return 0
    kill -0 "$OCTO_PID" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
octo_pids() {         # supervisor + its children (model owner, responders)
  [ -n "$OCTO_PID" ] || return 0
  { echo "$OCTO_PID"; children_of "$OCTO_PID"; } | sort -un
}
nginx_pids() { [ -n "$NGINX_PID" ] && { echo "$NGINX_PID"; children_of "$NGINX_PID"; } | sort -un; }

# ---------------------------------------------------------------- measuring
HZ=$(getconf CLK_TCK)
CHILD_TICKS=0
children_cpu_ticks() {  # user+sys of this shell's waited-for children (wrk), in ticks
  times > "$DIR/times"
  CHILD_TICKS=$(awk -v hz="$HZ" 'NR==2{ split($1,u,/[ms]/); split($2,s,/[ms]/)
    printf "%d\n", (u[1]*60+u[2]+s[1]*60+s[2])*hz }' "$DIR/times")
}
cpu_ticks() { local s=0 p v; for p in "$@"; do v=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null) && s=$((s + v)); done; echo $s; }
stat_line() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }  # busy(incl steal) total
printf 'pass\tconfig\trow\tconc\trps\tmean_ms\tp50_ms\tp99_ms\terrors\trequests\tsrv_cpu_pct\twrk_cpu_pct\tother_cpu_pct\tload1\n' > "$RES"
run_point() {         # run_point PASS CONFIG ROW CONC
  local pass=$1 cfg=$2 row=$3 c=$4 out line rps non2xx a b s0 s1 w0 w1 pids load1 ncpu
  ncpu=$(nproc)
  mapfile -t pids < <({ octo_pids; nginx_pids; } | sort -un)
  load1=$(cut -d' ' -f1 /proc/loadavg)
  children_cpu_ticks; w0=$CHILD_TICKS; a=($(stat_line)); s0=$(cpu_ticks "${pids[@]}")
  out=$(wrk -t1 -c"$c" -d"$DURATION" --timeout 30s -s "$OUT/$row.lua" "http://127.0.0.1:$PORT${ROW_PATH[$row]}" 2>&1)
  b=($(stat_line)); s1=$(cpu_ticks "${pids[@]}"); children_cpu_ticks; w1=$CHILD_TICKS
  printf '### pass=%s %s %s c=%s load1=%s\n%s\n' "$pass" "$cfg" "$row" "$c" "$load1" "$out" >> "$OUT/wrk.log"
  line=$(grep '^BENCH' <<<"$out")
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/{print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  awk -v pass="$pass" -v cfg="$cfg" -v row="$row" -v c="$c" -v rps="${rps:-0}" -v non2xx="$non2xx" -v line="$line" \
      -v tot="$(( b[1]-a[1] ))" -v busy="$(( b[0]-a[0] ))" -v srv="$(( s1-s0 ))" -v wrkt="$(( w1-w0 ))" -v ncpu="$ncpu" -v load1="$load1" '
    BEGIN{ n=split(line,kv," "); for(i=2;i<=n;i++){split(kv[i],p,"="); v[p[1]]=p[2]}
      core=tot>0?tot/ncpu:1; other=busy-srv-wrkt; if(other<0)other=0
      err=v["connect"]+v["read"]+v["write"]+v["timeout"]+non2xx
      printf "%s\t%s\t%s\t%d\t%.0f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%.0f\t%.0f\t%.0f\t%s\n", pass, cfg, row, c, rps,
        v["mean_us"]/1000, v["p50_us"]/1000, v["p99_us"]/1000, err, v["requests"], 100*srv/core, 100*wrkt/core, 100*other/core, load1 }' >> "$RES"
  tail -1 "$RES" | awk -F'\t' '{printf "  %-10s %-6s c=%-3s pass %s  %8s req/s  p50 %7.3f ms  p99 %8.3f ms  err %s  srvCPU %s%% wrkCPU %s%% other %s%%\n",$2,$3,$4,$1,$5,$7,$8,$9,$11,$12,$13}' >&2
}

UPLOAD_NOTE=""
probe_upload() {      # 0 if POST /upload is served (anything but 404/405)
  local code
  code=$(curl -s -o "$OUT/upload-probe.txt" -w '%{http_code}' --max-time 10 -F "file=@$OUT/infer.lua" "http://127.0.0.1:$PORT/upload")
  echo "$code" > "$OUT/upload-probe.code"
  [ "$code" != 404 ] && [ "$code" != 405 ]
}

run_ours() {          # run_ours PASS: every configuration x row x concurrency once
  local pass=$1 cfg transport row c
  for cfg in $CONFIGS; do
    transport=fastcgi; [[ $cfg == scgi-* ]] && transport=scgi
    start_nginx "$transport"
    start_octo "$cfg"
    wait_health 30 || die "$cfg: /healthcheck not 200 in 30 s, see $OUT/octoai-$cfg.log"
    log "pass $pass: $cfg up (nginx $NGINX_PID, octoai $OCTO_PID: $(octo_pids | tr '\n' ' '))"
    local body; body=$(curl -s --max-time 5 -H 'content-type: application/json' -d '{"prompt":"hello"}' "http://127.0.0.1:$PORT/infer")
    [[ "$body" == *'"output":"olleh"'* ]] || die "$cfg: unexpected /infer answer: $body"
    wrk -t1 -c16 -d1s -s "$OUT/infer.lua" "http://127.0.0.1:$PORT/infer" > /dev/null 2>&1   # warm-up
    local rows=$ROWS_OURS
    [ "$cfg" = fcgi-async-mc ] && rows=spin   # only the CPU-bound row needs more than one model slot
    for row in $rows; do
      [[ " $ROWS_OURS " == *" $row "* ]] || continue
      if [ "$row" = upload ] && ! probe_upload; then
        UPLOAD_NOTE="POST /upload answers $(cat "$OUT/upload-probe.code") with the default EchoService: upload row skipped"
        log "  $UPLOAD_NOTE"; continue
      fi
      local cs=$CONCURRENCY; [ "$row" = spin ] && cs=$SPIN_CONCURRENCY
      for c in $cs; do run_point "$pass" "$cfg" "$row" "$c"; done
    done
    mem_snapshot "$cfg"
    stop_octo; stop_nginx
  done
}

# ---------------------------------------------------------------- memory
printf 'pass\tconfig\tpid\trole\trss_kib\tpss_kib\n' > "$OUT/memory.tsv"
PASS=0
mem_snapshot() {      # mem_snapshot CONFIG: VmRSS (/proc/PID/status) and Pss (smaps_rollup) per process
  local cfg=$1 p rss pss role
  sleep 1   # wrk stops with requests in flight (64 x 5 MiB after the upload row): let them finish
  for p in $(octo_pids); do
    rss=$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null); pss=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
    role=$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-60)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$PASS" "$cfg" "$p" "$role" "${rss:-0}" "${pss:-0}" >> "$OUT/memory.tsv"
  done
}

# ---------------------------------------------------------------- start-up
measure_startup() {   # exec of `octoai fcgi` -> /healthcheck 200 through nginx, 5 ms polls, 5 times
  local i args
  start_nginx fastcgi
  mapfile -t args < <(octo_args fcgi-async)
  for i in 1 2 3 4 5; do
    rm -f "$SOCK"
    SETUP_SECONDS=0 python3 "$REPO/bench/startup.py" "http://127.0.0.1:$PORT/healthcheck" "$DIR/startup.pid" "${args[@]}" \
      >> "$OUT/startup.tsv" 2>> "$OUT/octoai-startup.log" &
    local py=$! j
    for j in $(seq 1 100); do [ -s "$DIR/startup.pid" ] && break; sleep 0.02; done
    OCTO_PID=$(cat "$DIR/startup.pid" 2>/dev/null); rm -f "$DIR/startup.pid"
    wait "$py" || log "startup probe $i failed"
    stop_octo
  done
  stop_nginx
}

# ---------------------------------------------------------------- baselines
ANCHOR_DIRS=()
run_anchors() {       # run_anchors PASS: the baseline rows once (REPS=1)
  local pass=$1 setup=0 rc
  [ "$ANCHORS" = 1 ] || return 0
  [ "$ANCHOR_SETUP" = 1 ] && [ "$pass" = 1 ] && setup=1
  log "pass $pass: baselines (anchors.sh ROWS=\"A-w1 B-keep C-direct\" NGINX_WORKERS_B=1, REPS=1)"
  mkdir -p "$OUT/anchors-pass$pass"
  ROWS="A-w1 B-keep C-direct" NGINX_WORKERS_B=1 REPS=1 DURATION="$DURATION" CONCURRENCY="$CONCURRENCY" \
    SETUP=$setup WORK="$OUT/anchors-pass$pass" QUIET_WAIT=${QUIET_WAIT:-2} MAX_RETRY=${MAX_RETRY:-1} QUIET_WAIT_RETRY=${QUIET_WAIT_RETRY:-5} \
    RETRY_BUDGET=${RETRY_BUDGET:-30} WARMUP=${WARMUP:-1s} \
    bash "$ANCHORS_SCRIPT" > "$OUT/anchors-pass$pass.out" 2> "$OUT/anchors-pass$pass.err"
  rc=$?
  [ $rc = 0 ] || { tail -20 "$OUT/anchors-pass$pass.err" >&2; die "anchors.sh failed (rc $rc), see $OUT/anchors-pass$pass.err"; }
  grep -E '^\s+(A-w1|B-keep|C-direct)' "$OUT/anchors-pass$pass.err" >&2 || true
}

# ---------------------------------------------------------------- the seed's upload (sync mode)
printf 'pass\tc\trps\tmean_ms\tp50_ms\tp99_ms\terrors\trequests\n' > "$OUT/seed-upload.tsv"
run_seed_upload() {   # run_seed_upload PASS: the upload row against the seed, sync mode
  local pass=$1 py c out line rps non2xx
  [ "$SEED_UPLOAD" = 1 ] && [[ " $ROWS_OURS " == *" upload "* ]] || return 0
  py=${VENV:-$HOME/.cache/octo-anchors/venv}/bin/python
  "$py" -c 'import octoai.server' 2>/dev/null || { log "seed upload row skipped: no octoai-sdk at $py"; return 0; }
  ss -Hltn "sport = :$SEED_PORT" | grep -q . && { log "seed upload row skipped: port $SEED_PORT in use"; return 0; }
  ( cd "$REPO/bench/seed" && exec "$py" -m octoai.server --service-module upload_service run --port "$SEED_PORT" --async-enable False ) \
    >> "$OUT/seed-upload.log" 2>&1 &
  SEED_PID=$!
  local end=$(( $(date +%s) + 60 ))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$SEED_PORT/healthcheck")" = 200 ]; do
    if [ "$(date +%s)" -gt "$end" ] || ! kill -0 "$SEED_PID" 2>/dev/null; then log "seed upload server did not start, see $OUT/seed-upload.log"; stop_seed; return 0; fi
    sleep 0.2
  done
  log "pass $pass: seed (sync) upload row, PID $SEED_PID"
  for c in $CONCURRENCY; do
    out=$(wrk -t1 -c"$c" -d"$DURATION" --timeout 30s -s "$OUT/upload.lua" "http://127.0.0.1:$SEED_PORT/upload" 2>&1)
    printf '### pass=%s seed-sync upload c=%s\n%s\n' "$pass" "$c" "$out" >> "$OUT/wrk.log"
    line=$(grep '^BENCH' <<<"$out"); rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/{print $NF}' <<<"$out")
    awk -v pass="$pass" -v c="$c" -v rps="${rps:-0}" -v non2xx="${non2xx:-0}" -v line="$line" '
      BEGIN{ n=split(line,kv," "); for(i=2;i<=n;i++){split(kv[i],p,"="); v[p[1]]=p[2]}
        printf "%s\t%d\t%.1f\t%.3f\t%.3f\t%.3f\t%d\t%d\n", pass, c, rps, v["mean_us"]/1000, v["p50_us"]/1000, v["p99_us"]/1000,
          v["connect"]+v["read"]+v["write"]+v["timeout"]+non2xx, v["requests"] }' >> "$OUT/seed-upload.tsv"
    tail -1 "$OUT/seed-upload.tsv" | awk -F'\t' '{printf "  seed-sync  upload c=%-3s pass %s  %8s req/s  p50 %7.3f ms  p99 %8.3f ms  err %s\n",$2,$1,$3,$5,$6,$7}' >&2
  done
  stop_seed
}

# ---------------------------------------------------------------- main
log "out: $OUT; configs: $CONFIGS; rows: $ROWS_OURS; c: $CONCURRENCY; $REPS passes x $DURATION; load $LOAD_START"
for PASS in $(seq 1 "$REPS"); do
  run_anchors "$PASS"
  run_seed_upload "$PASS"
  run_ours "$PASS"
done
log "start-up (5 times)"
measure_startup
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(( $(date +%s) - T0 ))

cat > "$META" <<EOF
DATE=$(date -Is)
COMMIT=$(git rev-parse --short HEAD)
DIRTY=$(git status --porcelain --untracked-files=no -- Sources Package.swift | grep -q . && echo yes || echo no)
NPROC=$(nproc)
CPU=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
KERNEL=$(uname -r)
MEM_TOTAL=$(awk '/MemTotal/{print $2}' /proc/meminfo)
NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's/.*: //')
WRK_VERSION=$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)
SWIFT_VERSION=$(swift --version 2>&1 | head -1)
LOAD_START=$LOAD_START
LOAD_END=$LOAD_END
DURATION=$DURATION
REPS=$REPS
QUICK=$QUICK
CONCURRENCY=$CONCURRENCY
SPIN_CONCURRENCY=$SPIN_CONCURRENCY
CONFIGS=$CONFIGS
KEEPALIVE=$KEEPALIVE
WORKERS=${WORKERS:-default}
THREADS=${THREADS:-default}
EXTRA_ARGS=$EXTRA_ARGS
HAS_MODEL_CONCURRENCY=$HAS_MC
SPIN_MC=$SPIN_MC
BUILD_FLAGS=$BUILD_FLAGS
UPLOAD_NOTE=$UPLOAD_NOTE
ELAPSED=$ELAPSED
OUT=$OUT
EOF
python3 "$REPO/bench/report.py" "$OUT" "$RESULTS" || die "report failed"
log "wrote $RESULTS (raw data in $OUT), ${ELAPSED}s"
