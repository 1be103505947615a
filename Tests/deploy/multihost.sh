#!/usr/bin/env bash
# The multi-host test (issue 16, item 3), on test hosts this script makes itself:
# network namespaces joined by veth pairs on 198.18.0.0/24 (the range set aside for
# network tests), nginx in an edge namespace, three `octoai fcgi --listen` replicas in
# three host namespaces. Under steady load through the edge nginx (Tests/deploy/load.py,
# 4 keep-alive clients, in the edge namespace):
#   1. kill -9 of replica 1's whole process tree (its process group);
#   2. `octoai reload --listen` of replica 2;
#   3. SIGTERM of replica 3, which drains and exits 0, then a restart of it;
#   4. a fourth replica, added to nginx's upstream with `nginx -s reload`.
# Every request must succeed, and in the last phase every live replica (2, 3, 4) must
# have answered. Removes everything it made (namespaces, processes, files) on any exit.
#
#   Tests/deploy/multihost.sh OCTOAI_BINARY RESULT_JSON
# Exit 0: passed; 1: failed (why on stderr); 77: network namespaces cannot be made here.
set -euo pipefail
octoai=$(realpath "$1")
result=$2
here=$(cd "$(dirname "$0")" && pwd)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
tag="oct$$"
edge="${tag}e"
work=$(mktemp -d /tmp/octoai-multihost.XXXXXX)
chmod 755 "$work"
namespaces=()
groups=()

log() { echo "multihost: $*" >&2; }
cleanup() {
    set +e
    touch "$work/stop"
    # Every process this script started leads a process group: replicas, nginx (master
    # and workers), the load. None outlives the script, nor keeps a namespace alive.
    for pgid in "${groups[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null; done
    for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
    [ -n "${keep:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! ip netns add "$edge" 2>"$work/netns.err"; then
    echo "SKIP: cannot make network namespaces here ($(cat "$work/netns.err")); needs root and iproute2" >&2
    exit 77
fi
namespaces+=("$edge")
ip -n "$edge" link set lo up

# Host i (1..4): veth edge side 198.18.0.(4i+1)/30, host side 198.18.0.(4i+2)/30.
address() { echo "198.18.0.$((4 * $1 + 2))"; }
make_host() {
    local i=$1 ns="${tag}h$1"
    ip netns add "$ns"
    namespaces+=("$ns")
    ip -n "$ns" link set lo up
    ip -n "$edge" link add "${tag}v$i" type veth peer name "${tag}p$i" netns "$ns"
    ip -n "$edge" addr add "198.18.0.$((4 * i + 1))/30" dev "${tag}v$i"
    ip -n "$ns" addr add "$(address "$i")/30" dev "${tag}p$i"
    ip -n "$edge" link set "${tag}v$i" up
    ip -n "$ns" link set "${tag}p$i" up
}

# Replica i in its own process group (pgid = its supervisor's pid), so that `kill -9 -- -pgid`
# takes its whole process tree.
declare -A replica_pid
start_replica() {
    local i=$1
    mkdir -p "$work/run$i"
    ip netns exec "${tag}h$i" env OCTOAI_REPLICA_NAME="replica-$i" OCTOAI_RUN_DIR="$work/run$i" SETUP_SECONDS=0.5 \
        setsid "$octoai" --service-class EchoService fcgi --listen "$(address "$i"):9000" --workers 1 --threads 4 \
        >>"$work/replica$i.log" 2>&1 &
    replica_pid[$i]=$!
    groups+=("$!")
}
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@"; do
        [ $SECONDS -lt $deadline ] || { log "timed out waiting for $what"; tail -n 20 "$work"/*.log >&2; exit 1; }
        sleep 0.05
    done
}
running() {
    local n
    n=$(grep -c -- "-> RUNNING" "$work/replica$1.log" 2>/dev/null) || true
    [ "${n:-0}" -ge "${2:-1}" ]
}
render_nginx() {  # the deploy template with its replicas, private paths for this test
    local upstream=(--upstream "$(address 1):9000")
    for i in $(seq 2 "$1"); do upstream+=(--replica "$(address "$i"):9000"); done
    "$octoai" nginx-config --listen 127.0.0.1:8080 --worker-processes 1 --keepalive 8 "${upstream[@]}" |
        sed -e "s#^pid /run/nginx.pid;#pid $work/nginx.pid;#" -e "s#^error_log .*#error_log $work/nginx.log warn;#" \
            -e "s#access_log /var/log/nginx/access.log;#access_log off;#" >"$work/nginx.conf"
}

for i in 1 2 3 4; do make_host "$i"; done
for i in 1 2 3; do start_replica "$i"; done
for i in 1 2 3; do wait_for 30 "replica $i to run" running "$i"; done
render_nginx 3
ip netns exec "$edge" setsid "$nginx" -c "$work/nginx.conf" -g "daemon off;" 2>>"$work/nginx.log" &
groups+=("$!")
wait_for 10 "nginx" test -s "$work/nginx.pid"

ip netns exec "$edge" setsid python3 "$here/load.py" 127.0.0.1 8080 "$work/load.json" "$work/stop" 4 120 &
load=$!
groups+=("$load")
phase() { log "phase: $1"; kill -USR1 "$load"; }
wait_for 30 "the load to flow" test -e "$work/stop.ready"
sleep 1.5

phase "kill -9 of replica 1's process tree"
kill -KILL -- "-${replica_pid[1]}"
sleep 2

phase "octoai reload --listen of replica 2"
OCTOAI_RUN_DIR="$work/run2" "$octoai" reload --listen "$(address 2):9000"
wait_for 30 "replica 2's generation 2" grep -q "reload: generation 2 is serving" "$work/replica2.log"
sleep 1.5

phase "SIGTERM and restart of replica 3"
kill -TERM "${replica_pid[3]}"
drained=0
wait "${replica_pid[3]}" || drained=$?
[ "$drained" -eq 0 ] || { log "replica 3 exited $drained after SIGTERM"; exit 1; }
start_replica 3
wait_for 30 "replica 3 to run again" running 3 2
sleep 1.5

phase "replica 4 added with nginx -s reload"
start_replica 4
wait_for 30 "replica 4 to run" running 4
render_nginx 4
ip netns exec "$edge" "$nginx" -c "$work/nginx.conf" -s reload 2>>"$work/nginx.log"
sleep 1
phase "after every event (replicas 2, 3, 4 live)"
sleep 2.5

touch "$work/stop"
wait "$load"
cp "$work/load.json" "$result"
python3 - "$work/load.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
names = ["start", "kill -9 replica 1", "reload replica 2", "SIGTERM+restart replica 3", "nginx -s reload (+replica 4)", "after"]
for name, phase in zip(names, r["phases"]):
    print(f"multihost phase {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(phase.items())), file=sys.stderr)
print(f"multihost: {r['sent']} sent, {r['ok']} ok, {r['failed']} failed", file=sys.stderr)
for f in r["failures"][:5]:
    print("  failed: " + f, file=sys.stderr)
last = r["phases"][-1]
missing = [n for n in ("replica-2", "replica-3", "replica-4") if last.get(n, 0) == 0]
if r["failed"] or missing or r["sent"] < 100 or "replica-1" in last:
    print(f"multihost: FAILED (failed {r['failed']}, live replicas that did not answer at the end: {missing})", file=sys.stderr)
    sys.exit(1)
PY
