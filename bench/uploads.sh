#!/usr/bin/env bash
# bench/uploads.sh - the 5 MiB upload row of issue 14 (target 2), with its two baselines
# in the same run, alternating:
#   nginx-alone  nginx receiving the same body into a `return 200` location (what it
#                costs nginx to take 5 MiB off a client connection; the CPU baseline)
#   seed         octoai-sdk 0.10.1, sync mode, serving ../shared/python-services/
#                echo_service/service.py unchanged (POST /upload: file + label), direct
#                (uvicorn on its port, as the seed is run)
#   ours         `octoai run --service-class EchoService` with its defaults (the private
#                nginx it renders + the backend), EchoService's POST /upload
# Each pass starts and stops each of the three; passes repeat REPS times (A B C A B C).
# Per run: req/s, p50/p99 (wrk), CPU per upload of the server's processes (utime +
# stime from /proc, all of the server's processes: nginx master and workers, octoai's
# supervisor, model owner and responders; uvicorn), and for ours the RSS of its
# processes before, at the peak (sampled every 0.1 s) and 2 s after the load.
# Writes bench/UPLOAD_RESULTS.md (RESULTS=...) and raw TSVs under OUT.
#
# Env knobs [defaults]: DURATION [10s], REPS [2], CONCURRENCY ["1 16 64"],
#   NO_BUILD [0], BIN [.build/release/octoai], BUILD_FLAGS [--static-swift-stdlib],
#   VENV [.build-venv or ~/.cache/octo-anchors/venv: a venv with octoai-sdk 0.10.1],
#   PORT_BASE [18380] (nginx-alone, seed, ours = +0, +1, +2), OUT, RESULTS,
#   CONFIGS ["nginx-alone seed ours"], EXTRA_ARGS [] (more `octoai run` options)
set -u -o pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
DURATION=${DURATION:-10s}
REPS=${REPS:-2}
CONCURRENCY=${CONCURRENCY:-"1 16 64"}
CONFIGS=${CONFIGS:-"nginx-alone seed ours"}
NO_BUILD=${NO_BUILD:-0}
BUILD_FLAGS=${BUILD_FLAGS---static-swift-stdlib}
PORT_BASE=${PORT_BASE:-18380}
EXTRA_ARGS=${EXTRA_ARGS:-}
OUT=${OUT:-${TMPDIR:-/tmp}/octo-uploads-$(date +%Y%m%d-%H%M%S)}
RESULTS=${RESULTS:-$REPO/bench/UPLOAD_RESULTS.md}
SEED_DIR=${SEED_DIR:-$REPO/../shared/python-services/echo_service}
if [ -z "${VENV:-}" ]; then
  VENV=$HOME/.cache/octo-anchors/venv
  [ -x "$REPO/.build-venv/bin/python" ] && VENV=$REPO/.build-venv
fi

log() { printf '[uploads %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }
mkdir -p "$OUT" || die "cannot create $OUT"
DIR=$(mktemp -d /tmp/octo-uploads-run.XXXXXX) || die "mktemp failed"
chmod 755 "$DIR"

# ---------------------------------------------------------------- processes we start
SERVER_PID=""
descendants() { local p=$1 k; echo "$p"; for k in $(ps -o pid= --ppid "$p" 2>/dev/null); do descendants "$k"; done; }
stop_server() {       # SIGTERM to what we started (octoai run stops nginx and its backend; uvicorn its worker)
  [ -n "$SERVER_PID" ] || return 0
  local pids i; pids=$(descendants "$SERVER_PID")
  kill -TERM "$SERVER_PID" 2>/dev/null
  for i in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  for i in $pids; do kill -0 "$i" 2>/dev/null && grep -qaE 'nginx|octoai|python' "/proc/$i/cmdline" 2>/dev/null && kill -TERM "$i" 2>/dev/null; done
  SERVER_PID=""
}
cleanup() { local rc=$?; trap - EXIT INT TERM; stop_server; rm -rf "$DIR"; exit $rc; }
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM

# ---------------------------------------------------------------- build + prerequisites
if [ "$NO_BUILD" != 1 ]; then
  log "building: swift build -c release $BUILD_FLAGS --product octoai"
  # shellcheck disable=SC2086
  nice -n 10 swift build -c release $BUILD_FLAGS --product octoai > "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; die "build failed"; }
fi
BIN=${BIN:-$REPO/.build/release/octoai}
[ -x "$BIN" ] || die "no $BIN"
command -v wrk >/dev/null || die "wrk missing (apt-get install -y wrk)"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || die "nginx missing"
SEED_OK=1
"$VENV/bin/python" -c 'import octoai.server' 2>/dev/null || { SEED_OK=0; log "no octoai-sdk in $VENV: the seed rows are skipped"; }
[ -f "$SEED_DIR/service.py" ] || { SEED_OK=0; log "no $SEED_DIR/service.py: the seed rows are skipped"; }

# ---------------------------------------------------------------- the body (wrk script)
BOUNDARY=octobenchboundary7MA4YWxkTrZu0gW
cat > "$OUT/upload.lua" <<EOF
local boundary = "$BOUNDARY"
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
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d p50_us=%.1f p99_us=%.1f errors=%d\n", summary.requests,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
EOF
head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' x > "$DIR/5mib.bin"

# ---------------------------------------------------------------- the three servers
start_nginx_alone() { # a private nginx that reads the whole body, then answers 200 without a backend
  # `return 200` alone answers before the body is read (nginx then discards it while
  # wrk, seeing the answer, starts its next request mid-body: the connection stalls).
  # So the body is read first, as in front of octoai: `mirror_request_body on` makes
  # nginx read it before the content phase (the mirror subrequest is a 204 in
  # memory), then the static handler refuses the POST (405), turned into the 200.
  # client_body_buffer_size is the one octoai's template renders (nginx's default
  # when it sets none), so the body lands in memory or in a temp file the same way.
  local port=$1 buffer
  buffer=${BODY_BUFFER:-$("$BIN" nginx-config --listen 127.0.0.1:1 --upstream unix:/x | awk '/client_body_buffer_size/{print $2; exit}')}
  mkdir -p "$DIR/alone"; echo ok > "$DIR/alone/index.html"; echo ok > "$DIR/alone/upload"
  cat > "$DIR/alone/nginx.conf" <<EOF
daemon off;
pid $DIR/alone/nginx.pid;
error_log stderr warn;
worker_processes 1;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $DIR/alone/client_body;
    keepalive_requests 10000000;
    ${buffer:+client_body_buffer_size ${buffer%;};}
    server {
        listen 127.0.0.1:$port;
        client_max_body_size 64m;
        location / {
            root $DIR/alone;
            mirror /.mirror;
            mirror_request_body on;
            error_page 405 =200 @ok;
        }
        location = /.mirror { internal; return 204; }
        location @ok { default_type application/json; return 200 '{"ok":true}'; }
    }
}
EOF
  "$NGINX" -p "$DIR/alone" -c "$DIR/alone/nginx.conf" -e stderr >> "$OUT/nginx-alone.log" 2>&1 &
  SERVER_PID=$!
}
start_seed() {
  ( cd "$SEED_DIR" && SETUP_SECONDS=0 exec "$VENV/bin/python" -m octoai.server --service-module service run --port "$1" --async-enable False ) \
    >> "$OUT/seed.log" 2>&1 &
  SERVER_PID=$!
}
start_ours() {
  # shellcheck disable=SC2086
  SETUP_SECONDS=0 "$BIN" --service-class EchoService run --port "$1" $EXTRA_ARGS >> "$OUT/ours.log" 2>&1 &
  SERVER_PID=$!
}
wait_ready() {        # wait_ready URL: 200 within 60 s
  local end=$(( $(date +%s) + 60 ))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1")" = 200 ]; do
    { [ "$(date +%s)" -gt "$end" ] || ! kill -0 "$SERVER_PID" 2>/dev/null; } && return 1
    sleep 0.1
  done
}

# ---------------------------------------------------------------- measuring
HZ=$(getconf CLK_TCK)
ticks() { local s=0 p v; for p in "$@"; do v=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null) && s=$((s + v)); done; echo $s; }
rss_kib() { local s=0 p v; for p in "$@"; do v=$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null) && s=$((s + ${v:-0})); done; echo $s; }
printf 'pass\tconfig\tc\trps\tp50_ms\tp99_ms\terrors\trequests\tcpu_ms_per_upload\trss_idle_kib\trss_peak_kib\trss_after_kib\tnginx_idle_kib\tnginx_peak_kib\tnginx_after_kib\n' > "$OUT/uploads.tsv"
is_nginx() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -q '^nginx'; }
run_point() {         # run_point PASS CONFIG PORT C
  local pass=$1 cfg=$2 port=$3 c=$4 pids p t0 t1 out line rps idle peak after nidle npeak nafter sampler
  local -a backend=() web=()
  mapfile -t pids < <(descendants "$SERVER_PID")
  for p in "${pids[@]}"; do if is_nginx "$p"; then web+=("$p"); else backend+=("$p"); fi; done
  idle=$(rss_kib "${backend[@]}"); nidle=$(rss_kib "${web[@]}")
  ( peak=0; npeak=0
    while :; do
      r=$(rss_kib "${backend[@]}"); n=$(rss_kib "${web[@]}")
      [ "$r" -gt "$peak" ] && peak=$r; [ "$n" -gt "$npeak" ] && npeak=$n
      echo "$peak $npeak" > "$DIR/peak"; sleep 0.1
    done ) &
  sampler=$!
  t0=$(ticks "${pids[@]}")
  out=$(wrk -t1 -c"$c" -d"$DURATION" --timeout 30s -s "$OUT/upload.lua" "http://127.0.0.1:$port/upload" 2>&1)
  t1=$(ticks "${pids[@]}")
  sleep 2   # wrk stops with requests in flight: let them finish before the "after" figures
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
  read -r peak npeak < "$DIR/peak" 2>/dev/null || { peak=0; npeak=0; }; rm -f "$DIR/peak"
  after=$(rss_kib "${backend[@]}"); nafter=$(rss_kib "${web[@]}")
  printf '### pass=%s %s c=%s\n%s\n' "$pass" "$cfg" "$c" "$out" >> "$OUT/wrk.log"
  line=$(grep '^BENCH' <<<"$out"); rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  awk -v pass="$pass" -v cfg="$cfg" -v c="$c" -v rps="${rps:-0}" -v line="$line" -v ticks="$((t1 - t0))" -v hz="$HZ" \
      -v idle="$idle" -v peak="$peak" -v after="$after" -v nidle="$nidle" -v npeak="$npeak" -v nafter="$nafter" \
      -v non2xx="$(awk '/Non-2xx/{print $NF}' <<<"$out")" '
    BEGIN{ n=split(line,kv," "); for(i=2;i<=n;i++){split(kv[i],p,"="); v[p[1]]=p[2]}
      req=v["requests"]>0?v["requests"]:1
      printf "%s\t%s\t%d\t%.1f\t%.3f\t%.3f\t%d\t%d\t%.2f\t%d\t%d\t%d\t%d\t%d\t%d\n", pass, cfg, c, rps, v["p50_us"]/1000, v["p99_us"]/1000,
        v["errors"]+non2xx, v["requests"], 1000*ticks/hz/req, idle, peak, after, nidle, npeak, nafter }' >> "$OUT/uploads.tsv"
  tail -1 "$OUT/uploads.tsv" | awk -F'\t' '{printf "  %-11s c=%-3s pass %s  %7s req/s  p50 %8.2f ms  p99 %8.2f ms  err %s  CPU %s ms/upload  RSS %s/%s/%s KiB, nginx %s/%s/%s\n",$2,$3,$1,$4,$5,$6,$7,$9,$10,$11,$12,$13,$14,$15}' >&2
}
run_config() {        # run_config PASS CONFIG
  local pass=$1 cfg=$2 port url
  case $cfg in
    nginx-alone) port=$PORT_BASE; start_nginx_alone "$port"; url="http://127.0.0.1:$port/" ;;
    seed) [ "$SEED_OK" = 1 ] || return 0; port=$((PORT_BASE + 1)); start_seed "$port"; url="http://127.0.0.1:$port/healthcheck" ;;
    ours) port=$((PORT_BASE + 2)); start_ours "$port"; url="http://127.0.0.1:$port/healthcheck" ;;
    *) die "unknown config $cfg" ;;
  esac
  wait_ready "$url" || die "$cfg did not become ready, see $OUT/*.log"
  if [ "$cfg" != nginx-alone ]; then   # the same answer from both services, once
    curl -s --max-time 10 -F "file=@$DIR/5mib.bin" -F label=bench "http://127.0.0.1:$port/upload" > "$OUT/answer-$cfg.json"
    grep -q '"size":5242880' "$OUT/answer-$cfg.json" || grep -q '"size": *5242880' "$OUT/answer-$cfg.json" || die "$cfg: unexpected answer $(cat "$OUT/answer-$cfg.json")"
  fi
  wrk -t1 -c4 -d1s -s "$OUT/upload.lua" "http://127.0.0.1:$port/upload" > /dev/null 2>&1   # warm-up
  log "pass $pass: $cfg (PID $SERVER_PID)"
  for c in $CONCURRENCY; do run_point "$pass" "$cfg" "$port" "$c"; done
  stop_server
}

log "out: $OUT; configs: $CONFIGS; c: $CONCURRENCY; $REPS passes x $DURATION; load $(cut -d' ' -f1-3 /proc/loadavg)"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for pass in $(seq 1 "$REPS"); do
  for cfg in $CONFIGS; do run_config "$pass" "$cfg"; done
done

cat > "$OUT/meta.env" <<EOF
DATE=$(date -u +%Y-%m-%dT%H:%MZ)
COMMIT=$(git rev-parse --short HEAD)$(git status --porcelain --untracked-files=no -- Sources Package.swift | grep -q . && echo ' (dirty)')
MACHINE=$(nproc) cores, $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo), $(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 )) MiB, kernel $(uname -r)
NGINX=$("$NGINX" -v 2>&1 | sed 's/.*: //')
LOAD=$LOAD_START -> $(cut -d' ' -f1-3 /proc/loadavg)
COMMAND=DURATION=$DURATION REPS=$REPS CONCURRENCY="$CONCURRENCY" bash bench/uploads.sh
EOF
python3 "$REPO/bench/uploads_report.py" "$OUT" "$RESULTS" || die "report failed"
log "wrote $RESULTS (raw data in $OUT)"
