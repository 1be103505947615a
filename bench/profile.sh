#!/usr/bin/env bash
# bench/profile.sh - where the time goes for POST /infer {"prompt":"hello"} at c=16
# (nginx -> `octoai fcgi`, async, defaults), per process. Three bounded phases:
#   1 perf    `perf record -e cpu-clock -a -g` for PERF_SECONDS during a native wrk run:
#             CPU samples per process (nginx, supervisor, responders, model owner, wrk)
#             and user vs kernel, top symbols per process. (Hardware counters are not
#             available in this VM, so `perf stat -e instructions` does not work;
#             cpu-clock sampling does.)
#   1b ceiling the same perf run against the anchors' C libfcgi responder (B-keep) behind
#             the same nginx, for per-request CPU beside ours
#   2 strace  `strace -c -f` on the responders and on the model owner during a short
#             wrk run: syscalls per request.
#   3 callgrind  the whole backend under `valgrind --tool=callgrind --trace-children=yes`,
#             counters zeroed once RUNNING, CG_SECONDS of wrk c=16, dumped: instructions
#             (Ir) per request per process, top functions (inclusive and self).
# Everything it starts it stops by PID. Load: 127.0.0.1 only, bounded by the durations.
# Output: $OUT (default /tmp/octo-profile-<ts>) with summary.txt; bench/PROFILE.md is
# written by hand from it.
#
# Env: OUT, PORT [18380], C [16], PERF_SECONDS [8], STRACE_SECONDS [5], CG_SECONDS [15],
#      PHASES ["perf strace callgrind"], NO_BUILD [0]
set -u -o pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PORT=${PORT:-18380}
C=${C:-16}
PERF_SECONDS=${PERF_SECONDS:-8}
STRACE_SECONDS=${STRACE_SECONDS:-5}
CG_SECONDS=${CG_SECONDS:-15}
PHASES=${PHASES:-"perf ceiling strace callgrind"}
OUT=${OUT:-/tmp/octo-profile-$(date +%Y%m%d-%H%M%S)}
NO_BUILD=${NO_BUILD:-0}
mkdir -p "$OUT"
DIR=$(mktemp -d /tmp/octo-profile-run.XXXXXX); chmod 755 "$DIR"
SOCK=$DIR/octo.sock
SUM=$OUT/summary.txt
log() { printf '[profile %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

NGINX_PID=""; OCTO_PID=""; AUX_PIDS=()
stop_pid() {
  local pid=$1 sig=${2:-TERM} i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -"$sig" "$pid" 2>/dev/null
  for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { log "PID $pid ignored SIG$sig, KILL"; kill -KILL "$pid" 2>/dev/null; }
  wait "$pid" 2>/dev/null || true
}
children_of() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }
stop_octo() {
  [ -n "$OCTO_PID" ] || return 0
  local kids; kids=$(children_of "$OCTO_PID")
  stop_pid "$OCTO_PID" TERM
  for k in $kids; do grep -qa octoai "/proc/$k/cmdline" 2>/dev/null && stop_pid "$k" TERM; done
  OCTO_PID=""; rm -f "$SOCK"
}
cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  for p in "${AUX_PIDS[@]}"; do stop_pid "$p" INT; done
  stop_pid "$NGINX_PID" QUIT; stop_octo
  rm -rf "$DIR"
  exit $rc
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM

[ "$NO_BUILD" = 1 ] || swift build -c release --product octoai > "$OUT/build.log" 2>&1 || die "build failed"
BIN=$REPO/.build/release/octoai
for c in wrk nginx; do command -v $c >/dev/null || die "missing $c (bench/run.sh installs wrk)"; done

cat > "$OUT/infer.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"prompt":"hello"}'
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format("REQUESTS %d\n", summary.requests))
end
EOF
URL=http://127.0.0.1:$PORT/infer

"$BIN" nginx-config --listen "127.0.0.1:$PORT" --upstream "unix:$SOCK" --worker-processes 1 --keepalive 8 \
| sed -e '/^[[:space:]]*user [^;]*;/d' \
      -e "s#^[[:space:]]*pid [^;]*;#daemon off;\npid $DIR/nginx.pid;#" \
      -e 's#^[[:space:]]*error_log [^;]*;#error_log stderr warn;#' \
      -e "s#^\([[:space:]]*\)access_log [^;]*;#\1access_log off;\n\1client_body_temp_path $DIR/client_body;\n\1fastcgi_temp_path $DIR/fastcgi;\n\1proxy_temp_path $DIR/proxy;\n\1scgi_temp_path $DIR/scgi;\n\1uwsgi_temp_path $DIR/uwsgi;\n\1keepalive_requests 10000000;#" \
      -e "s#^\([[:space:]]*\)keepalive 8;#\1keepalive 8;\n\1keepalive_requests 10000000;#" > "$DIR/nginx.conf"
nginx -p "$DIR" -c "$DIR/nginx.conf" -e stderr >> "$OUT/nginx.log" 2>&1 &
NGINX_PID=$!
sleep 0.3
kill -0 "$NGINX_PID" 2>/dev/null || die "nginx did not start ($OUT/nginx.log)"

start_octo() {        # start_octo [wrapper argv...]
  rm -f "$SOCK"
  SETUP_SECONDS=0 "$@" "${RUNBIN:-$BIN}" fcgi --socket "$SOCK" --socket-mode 0666 >> "$OUT/octoai.log" 2>&1 &
  OCTO_PID=$!
}
wait_health() {
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -le "$end" ]; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/healthcheck")" = 200 ] && return 0
    kill -0 "$OCTO_PID" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
role_of() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | sed 's/^octoai: //' | cut -c1-70; }
pids_by_role() {      # pids_by_role ROLE-PREFIX: children of the supervisor with that title
  local k; for k in $(children_of "$OCTO_PID"); do [[ "$(role_of "$k")" == *"$1"* ]] && echo "$k"; done
}

echo "== octoai profile $(date -Is) commit $(git rev-parse --short HEAD); POST /infer {\"prompt\":\"hello\"} c=$C; load $(cut -d' ' -f1-3 /proc/loadavg)" > "$SUM"

# ---------------------------------------------------------------- 1 perf
if [[ " $PHASES " == *" perf "* ]]; then
  start_octo
  wait_health 30 || die "octoai not RUNNING"
  wrk -t1 -c"$C" -d2s -s "$OUT/infer.lua" "$URL" > /dev/null 2>&1
  { echo "pid role"; echo "$OCTO_PID supervisor"; for k in $(children_of "$OCTO_PID"); do echo "$k $(role_of "$k")"; done
    echo "$NGINX_PID nginx-master"; for k in $(children_of "$NGINX_PID"); do echo "$k nginx-worker"; done; } > "$OUT/perf-pids.txt"
  wrk -t1 -c"$C" -d"$((PERF_SECONDS + 2))s" -s "$OUT/infer.lua" "$URL" > "$OUT/perf-wrk.txt" 2>&1 &
  WRK=$!; AUX_PIDS+=("$WRK")
  sleep 1
  perf record -e cpu-clock -F 997 -a -g -o "$OUT/perf.data" -- sleep "$PERF_SECONDS" > "$OUT/perf-record.log" 2>&1
  wait "$WRK"; AUX_PIDS=()
  RPS=$(awk '/Requests\/sec/{print $2}' "$OUT/perf-wrk.txt")
  {
    echo; echo "== perf: cpu-clock samples, ${PERF_SECONDS}s during wrk c=$C ($RPS req/s), by process"
    perf script -i "$OUT/perf.data" -F comm,pid,tid,ip,sym,dso -G 2>/dev/null \
      | python3 "$REPO/bench/perf_by_process.py" "$OUT/perf-pids.txt" "$PERF_SECONDS" 997 "$RPS"
  } >> "$SUM"
  stop_octo
fi

# ---------------------------------------------------------------- 1b perf on the FastCGI ceiling
# The anchors' minimal C libfcgi responder (128 threads) behind this same nginx, same load.
if [[ " $PHASES " == *" ceiling "* ]]; then
  sed -n '/^cat > "\$GEN\/fcgi_responder.c" <<.EOF.$/,/^EOF$/p' "$REPO/../shared/bench/anchors.sh" | sed '1d;$d' > "$OUT/fcgi_responder.c"
  gcc -O2 -o "$OUT/fcgi_responder" "$OUT/fcgi_responder.c" -lfcgi -lpthread || die "cannot build the C responder (apt-get install -y libfcgi-dev)"
  rm -f "$SOCK"
  "$OUT/fcgi_responder" 128 "$SOCK" > "$OUT/ceiling.log" 2>&1 &
  OCTO_PID=$!
  for i in $(seq 1 50); do [ -S "$SOCK" ] && break; sleep 0.05; done
  chmod 666 "$SOCK"
  wrk -t1 -c"$C" -d2s -s "$OUT/infer.lua" "$URL" > /dev/null 2>&1
  { echo "pid role"; echo "$OCTO_PID C-responder"; echo "$NGINX_PID nginx-master"; for k in $(children_of "$NGINX_PID"); do echo "$k nginx-worker"; done; } > "$OUT/ceiling-pids.txt"
  wrk -t1 -c"$C" -d"$((PERF_SECONDS + 2))s" -s "$OUT/infer.lua" "$URL" > "$OUT/ceiling-wrk.txt" 2>&1 &
  WRK=$!; AUX_PIDS+=("$WRK")
  sleep 1
  perf record -e cpu-clock -F 997 -a -g -o "$OUT/perf-ceiling.data" -- sleep "$PERF_SECONDS" > "$OUT/perf-record.log" 2>&1
  wait "$WRK"; AUX_PIDS=()
  RPS=$(awk '/Requests\/sec/{print $2}' "$OUT/ceiling-wrk.txt")
  {
    echo; echo "== perf on the ceiling (anchors' C libfcgi responder, 128 threads, same nginx): wrk c=$C ($RPS req/s)"
    perf script -i "$OUT/perf-ceiling.data" -F comm,pid,tid,ip,sym,dso -G 2>/dev/null \
      | python3 "$REPO/bench/perf_by_process.py" "$OUT/ceiling-pids.txt" "$PERF_SECONDS" 997 "$RPS"
  } >> "$SUM"
  stop_pid "$OCTO_PID" TERM; OCTO_PID=""; rm -f "$SOCK"
fi

# ---------------------------------------------------------------- 2 strace
if [[ " $PHASES " == *" strace "* ]] && command -v strace >/dev/null; then
  start_octo
  wait_health 30 || die "octoai not RUNNING"
  wrk -t1 -c"$C" -d2s -s "$OUT/infer.lua" "$URL" > /dev/null 2>&1
  OWNER=$(pids_by_role model-owner | head -1)
  RESP=$(pids_by_role responder | tr '\n' ' ')
  wrk -t1 -c"$C" -d"$((STRACE_SECONDS + 3))s" -s "$OUT/infer.lua" "$URL" > "$OUT/strace-wrk.txt" 2>&1 &
  WRK=$!; AUX_PIDS+=("$WRK")
  sleep 1
  P=(); for k in $RESP; do P+=(-p "$k"); done
  timeout -s INT "$STRACE_SECONDS" strace -c -f -o "$OUT/strace-responders.txt" "${P[@]}" 2>/dev/null &
  S1=$!
  timeout -s INT "$STRACE_SECONDS" strace -c -f -o "$OUT/strace-owner.txt" -p "$OWNER" 2>/dev/null &
  S2=$!
  # count requests served while strace ran: wrk totals are for its whole run, so count
  # frames instead: the model owner answers one write per request
  wait $S1 $S2
  wait "$WRK"; AUX_PIDS=()
  {
    echo; echo "== strace -c -f, ${STRACE_SECONDS}s during wrk c=$C (rates under strace are far lower; look at per-call ratios)"
    echo "-- responders ($RESP)"; head -25 "$OUT/strace-responders.txt"
    echo "-- model owner ($OWNER)"; head -25 "$OUT/strace-owner.txt"
  } >> "$SUM"
  stop_octo
fi

# ---------------------------------------------------------------- 3 callgrind
if [[ " $PHASES " == *" callgrind "* ]]; then
  mkdir -p "$OUT/cg"
  # valgrind 3.19 gives up on the DWARF 5 debug info Swift 6 emits ("Possibly corrupted
  # debuginfo file"): profile a copy without debug info (symbols stay, line numbers go).
  strip --strip-debug -o "$OUT/octoai-nodebug" "$BIN" || die "strip failed"
  RUNBIN=$OUT/octoai-nodebug
  start_octo valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$OUT/cg/callgrind.out.%p" --log-file="$OUT/cg/valgrind.%p.log"
  wait_health 240 || die "octoai under callgrind not RUNNING in 240 s"
  log "RUNNING under callgrind; warm-up"
  wrk -t1 -c"$C" -d3s --timeout 30s -s "$OUT/infer.lua" "$URL" > /dev/null 2>&1
  for k in $OCTO_PID $(children_of "$OCTO_PID"); do callgrind_control -z "$k" > /dev/null 2>&1; done
  wrk -t1 -c"$C" -d"${CG_SECONDS}s" --timeout 30s -s "$OUT/infer.lua" "$URL" > "$OUT/cg-wrk.txt" 2>&1
  N=$(awk '/^REQUESTS/{print $2}' "$OUT/cg-wrk.txt")
  { echo "pid role"; echo "$OCTO_PID supervisor"; for k in $(children_of "$OCTO_PID"); do echo "$k $(role_of "$k")"; done; } > "$OUT/cg-pids.txt"
  for k in $OCTO_PID $(children_of "$OCTO_PID"); do callgrind_control -d "$k" > /dev/null 2>&1; done
  sleep 2
  {
    echo; echo "== callgrind: ${CG_SECONDS}s of wrk c=$C under valgrind, $N requests ($(awk '/Requests\/sec/{print $2}' "$OUT/cg-wrk.txt") req/s)"
    cat "$OUT/cg-pids.txt"
  } >> "$SUM"
  while read -r pid role; do
    [ "$pid" = pid ] && continue
    f=$(ls -t "$OUT/cg/callgrind.out.$pid".* 2>/dev/null | head -1)
    [ -n "$f" ] || continue
    callgrind_annotate "$f" > "$OUT/cg/annotate-$pid.txt" 2>/dev/null
    callgrind_annotate --inclusive=yes "$f" > "$OUT/cg/annotate-incl-$pid.txt" 2>/dev/null
    tot=$(awk '/PROGRAM TOTALS/{gsub(",","",$1); print $1; exit}' "$OUT/cg/annotate-$pid.txt")
    # under valgrind the children's titles are not visible: tell them by what they run
    if grep -q ModelOwnerServer "$OUT/cg/annotate-incl-$pid.txt"; then role=model-owner
    elif grep -q FastCGITransport "$OUT/cg/annotate-incl-$pid.txt"; then role=responder; RESP_IR=$(( ${RESP_IR:-0} + ${tot:-0} )); fi
    {
      echo; echo "-- pid $pid ($role): $tot Ir total in the dump, $(( ${tot:-0} / (N > 0 ? N : 1) )) Ir per request of all $N ($f)"
      echo "   inclusive:"; awk '/^-+$/{s++} s>=3' "$OUT/cg/annotate-incl-$pid.txt" | grep -E '^ *[0-9,]+ ' | cut -c1-220 | head -45
    } >> "$SUM"
  done < "$OUT/cg-pids.txt"
  echo "-- responders together: $(( ${RESP_IR:-0} / (N > 0 ? N : 1) )) Ir per request" >> "$SUM"
  stop_octo
fi
log "done: $SUM"
