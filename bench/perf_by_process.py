#!/usr/bin/env python3
"""Aggregates `perf script -F comm,pid,tid,ip,sym,dso -G` output by process (tgid).

usage: perf script ... | perf_by_process.py PIDS_FILE SECONDS HZ REQUESTS_PER_SECOND

PIDS_FILE has "pid role" lines (our processes); other pids are grouped by command.
Prints, per process: share of all samples, CPU in cores (samples / (HZ x SECONDS)),
kernel share, CPU microseconds per request, its top DSOs and top symbols (self).
"""
import collections
import re
import sys

pids_file, seconds, hz, rps = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
roles = {}
for line in open(pids_file):
    parts = line.split(None, 1)
    if parts and parts[0].isdigit():
        roles[parts[0]] = parts[1].strip() if len(parts) > 1 else "?"

line_re = re.compile(r"^\s*(.+?)\s+(\d+)/(\d+)\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")
total = 0
by = collections.defaultdict(lambda: {"n": 0, "k": 0, "dso": collections.Counter(), "sym": collections.Counter()})
for line in sys.stdin:
    m = line_re.match(line)
    if not m:
        continue
    comm, pid, tid, ip, sym, dso = m.groups()
    key = f"{pid} {roles[pid]}" if pid in roles else f"other (not ours): {comm}"
    e = by[key]
    total += 1
    e["n"] += 1
    short = dso.rsplit("/", 1)[-1]
    if short == "[kernel.kallsyms]":
        e["k"] += 1
    e["dso"][short] += 1
    e["sym"][(sym if sym != "[unknown]" else "?") + "  [" + short + "]"] += 1

print(f"{total} samples at {hz:.0f} Hz over {seconds:.0f} s on all CPUs; load {rps:,.0f} req/s")
print(f"{'process':<34} {'share':>6} {'cores':>6} {'kernel':>7} {'us/req':>7}")
for key, e in sorted(by.items(), key=lambda kv: -kv[1]["n"]):
    if e["n"] < total * 0.005:
        continue
    cores = e["n"] / (hz * seconds)
    usreq = cores * 1e6 / rps if rps else 0
    print(f"{key[:34]:<34} {100 * e['n'] / total:5.1f}% {cores:6.2f} {100 * e['k'] / e['n']:6.0f}% {usreq:7.1f}")
for key, e in sorted(by.items(), key=lambda kv: -kv[1]["n"]):
    if key.startswith("other") or e["n"] < total * 0.01:
        continue
    print(f"\n-- {key}: {e['n']} samples; by DSO: " + ", ".join(f"{d} {100 * c / e['n']:.0f}%" for d, c in e["dso"].most_common(6)))
    for sym, c in e["sym"].most_common(18):
        print(f"   {100 * c / e['n']:5.1f}%  {sym[:150]}")
