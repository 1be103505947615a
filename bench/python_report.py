#!/usr/bin/env python3
"""bench/python.sh's report: OUT (the run's raw TSVs) -> bench/PYTHON_RESULTS.md.

usage: python_report.py OUT RESULTS

Per side and point: the MEDIAN over the passes of req/s, p50 and p99 (each on its own; with two
passes, the mean of the two); memory: the median over the passes of the summed RSS/PSS of every
process of the side after its load; start-up: the median of the runs. Everything below the line
`<!-- notes: kept by python_report.py -->` in an existing RESULTS file is kept (hand-written
analysis).
"""
import csv
import os
import statistics
import sys
from collections import defaultdict

NOTES_MARK = "<!-- notes: kept by python_report.py -->"


def tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def med(xs):
    xs = [float(x) for x in xs]
    return statistics.median(xs) if xs else float("nan")


def fmt(x, nd=1):
    return "n/a" if x != x else f"{x:,.{nd}f}"


def main():
    out, results = sys.argv[1], sys.argv[2]
    meta = {}
    with open(os.path.join(out, "meta.env")) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    rows = tsv(os.path.join(out, "results.tsv"))
    mem = tsv(os.path.join(out, "memory.tsv"))
    cpu = tsv(os.path.join(out, "cpu.tsv"))
    start = tsv(os.path.join(out, "startup.tsv"))
    ready = []
    if os.path.exists(os.path.join(out, "ready.tsv")):
        with open(os.path.join(out, "ready.tsv")) as f:
            ready = [l.rstrip("\n").split("\t") for l in f if l.strip()]

    pts = defaultdict(list)
    for r in rows:
        pts[(r["part"], r["side"], int(r["conc"]))].append(r)

    def agg(part, side, c):
        rs = pts.get((part, side, c), [])
        return {
            "rps": med(r["rps"] for r in rs), "p50": med(r["p50_ms"] for r in rs), "p99": med(r["p99_ms"] for r in rs),
            "all": "/".join(f"{float(r['rps']):.0f}" for r in rs), "cpu": med(r["srv_cpu_pct"] for r in rs),
            "err": sum(int(r["errors"]) for r in rs), "bg": "/".join(r["bg_busy_pct"] for r in rs),
            "box": "/".join(r["box_busy_pct"] for r in rs), "n": len(rs),
        }

    # memory: sum per (part, side, pass) after the load, then the median over passes
    memsum = defaultdict(lambda: [0, 0])
    roles = defaultdict(lambda: defaultdict(list))
    for m in mem:
        if m["when"] != "after_load":
            continue
        k = (m["part"], m["side"], m["pass"])
        memsum[k][0] += int(m["rss_kib"]); memsum[k][1] += int(m["pss_kib"])
        roles[(m["part"], m["side"])][m["role"]].append(int(m["rss_kib"]))

    def memagg(part, side):
        v = [s for k, s in memsum.items() if k[0] == part and k[1] == side]
        return med(x[0] for x in v), med(x[1] for x in v)

    def memagg_no_nginx(part, side):
        tot = defaultdict(int)
        for m in mem:
            if m["when"] == "after_load" and m["part"] == part and m["side"] == side and not m["role"].startswith("nginx"):
                tot[m["pass"]] += int(m["rss_kib"])
        return med(tot.values())

    su = defaultdict(list)
    for s in start:
        try:
            su[s["side"]].append(float(s["ms"]))
        except (KeyError, ValueError):
            pass

    L = []
    w = L.append
    w("# Python services benchmark (issue 12): octoai vs the seed, same file, same run")
    w("")
    w("Written by `bench/python.sh` (do not edit above the notes line; re-run to refresh).")
    w("")
    w(f"- Machine: {meta.get('CPU')}, {meta.get('CORES')}, {int(meta.get('MEM_TOTAL_KIB', '0')) // 1024} MiB, kernel {meta.get('KERNEL')}; "
      "shared with other builders (load average at start/end: " f"{meta.get('LOAD_START')} / {meta.get('LOAD_END')})")
    w(f"- Date: {meta.get('DATE')}; commit {meta.get('COMMIT')} (Sources dirty: {meta.get('DIRTY')}); {meta.get('SWIFT_VERSION')}")
    w(f"- Python {meta.get('PYTHON_VERSION')}: {meta.get('PKG_VERSIONS')}; nginx {meta.get('NGINX_VERSION')}; {meta.get('WRK_VERSION')}")
    w(f"- Command: `bash bench/python.sh` (first time: `SETUP=1 bash bench/python.sh`); this run: DURATION={meta.get('DURATION')} "
      f"REPS={meta.get('REPS')} WARMUP={meta.get('WARMUP')} STARTUP_REPS={meta.get('STARTUP_REPS')} QUIET_BUSY={meta.get('QUIET_BUSY')} "
      f"QUIET_WAIT={meta.get('QUIET_WAIT')} PARTS=\"{meta.get('PARTS')}\" OURS_ARGS=\"{meta.get('OURS_ARGS')}\"; {meta.get('ELAPSED')} s")
    w("- Ours: `octoai --service-module service run --port P` (release, `--static-swift-stdlib`; its defaults: 1 nginx worker, 1 responder x 16 threads, "
      "max batch 32 / 2 ms); the seed: `python -m octoai.server --service-module service run --port P` (async mode, its defaults). "
      "Both from the service's folder, the same venv activated. wrk -t1 on 127.0.0.1, POST /infer.")
    w("- Method: passes alternate the sides (ours, seed, ours, seed, ...); each measured run first waits up to QUIET_WAIT s for the box to be "
      f"< {meta.get('QUIET_BUSY')} % busy. **Figures are the median over the passes** (req/s, p50, p99 each on its own; with 2 passes the mean of the two), "
      "start-up the median of its runs. `all` = every pass's req/s; `bg` = box busy % in the second before each run (what others were using); "
      "`srv CPU` = CPU of all the side's processes during the run, 100 = one core.")
    w("")

    targets = []
    for part, cs, title in (("echo", meta.get("ECHO_CONC", "1 16 64"), "EchoService (`../shared/python-services/echo_service/service.py`, unchanged), POST /infer {\"prompt\":\"hello\"}"),
                            ("minilm", meta.get("MINILM_CONC", "1 8 32"), "MiniLM (sentence-transformers, torch CPU), POST /infer one short text (15 tokens); ours = the seed's file + `_infer_batch`")):
        if part not in meta.get("PARTS", ""):
            continue
        w(f"## {title}")
        w("")
        w("| c | ours req/s | seed req/s | ratio | ours p50 ms | seed p50 ms | ours p99 ms | seed p99 ms | ours all | seed all | ours srv CPU % | seed srv CPU % | errors ours/seed | bg % ours / seed |")
        w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for c in [int(x) for x in cs.split()]:
            o, s = agg(part, "ours", c), agg(part, "seed", c)
            ratio = o["rps"] / s["rps"] if s["rps"] and s["rps"] == s["rps"] else float("nan")
            w(f"| {c} | {fmt(o['rps'])} | {fmt(s['rps'])} | {fmt(ratio, 2)}x | {fmt(o['p50'], 3)} | {fmt(s['p50'], 3)} | {fmt(o['p99'], 3)} | {fmt(s['p99'], 3)} | "
              f"{o['all']} | {s['all']} | {fmt(o['cpu'], 0)} | {fmt(s['cpu'], 0)} | {o['err']}/{s['err']} | {o['bg']} / {s['bg']} |")
            if part == "echo" and c in (16, 64):
                targets.append((f"echo c={c}: req/s >= 5x the seed's", f"{fmt(o['rps'])} vs {fmt(s['rps'])}", ratio, ratio >= 5))
            if part == "echo" and c == 1:
                r = o["p50"] / s["p50"] if s["p50"] else float("nan")
                targets.append(("echo c=1: p50 below the seed's", f"{fmt(o['p50'], 3)} ms vs {fmt(s['p50'], 3)} ms", r, o["p50"] < s["p50"]))
            if part == "minilm" and c == 32:
                targets.append(("minilm c=32: req/s >= 3x the seed's (batching)", f"{fmt(o['rps'])} vs {fmt(s['rps'])}", ratio, ratio >= 3))
            if part == "minilm" and c == 1:
                r = o["p50"] / s["p50"] if s["p50"] else float("nan")
                targets.append(("minilm c=1: p50 no worse than the seed's", f"{fmt(o['p50'], 3)} ms vs {fmt(s['p50'], 3)} ms", r, o["p50"] <= s["p50"]))
        w("")
        # memory
        (orss, opss), (srss, spss) = memagg(part, "ours"), memagg(part, "seed")
        onn = memagg_no_nginx(part, "ours")
        w(f"Memory after the load (KiB, all processes of the side summed; median over passes): **ours RSS {fmt(orss, 0)}** (PSS {fmt(opss, 0)}; "
          f"without nginx {fmt(onn, 0)}), **seed RSS {fmt(srss, 0)}** (PSS {fmt(spss, 0)}); ratio ours/seed RSS {fmt(orss / srss if srss else float('nan'), 2)}.")
        w("")
        w("| side | process | RSS KiB (each pass) |")
        w("|---|---|---|")
        for side in ("ours", "seed"):
            for role, v in sorted(roles[(part, side)].items()):
                w(f"| {side} | {role} | {' / '.join(str(x) for x in v)} |")
        w("")
        if part == "echo":
            targets.append(("echo RSS of all processes below the seed's", f"{fmt(orss, 0)} KiB vs {fmt(srss, 0)} KiB", orss / srss if srss else float("nan"), orss < srss))
        rd = [(x[1], x[2]) for x in ready if x[0] == part]
        if rd:
            w("Time to /healthcheck 200 at each load run's start (50 ms polls, ms): " +
              "; ".join(f"{side} " + "/".join(ms for sd, ms in rd if sd == side) for side in ("ours", "seed")))
            w("")
        if part == "echo" and su:
            so, ss = med(su.get("ours", [])), med(su.get("seed", []))
            w("### Start-up: exec -> /healthcheck 200 on the HTTP port (SETUP_SECONDS=0, 5 ms polls, `bench/startup.py`; runs alternate)")
            w("")
            w("| side | median ms | min ms | max ms | runs (ms) |")
            w("|---|---|---|---|---|")
            for side in ("ours", "ours_cold", "seed"):
                v = su.get(side, [])
                if v:
                    w(f"| {side} | {fmt(med(v), 0)} | {fmt(min(v), 0)} | {fmt(max(v), 0)} | {' / '.join(f'{x:.0f}' for x in v)} |")
            if su.get("ours_cold"):
                w("")
                w("`ours_cold`: the describe cache off (`OCTOAI_DESCRIBE_CACHE=0`), i.e. a first start (a new container) or one "
                  "after the service's code changed: the first model owner imports the service and describes it while the "
                  "supervisor waits to listen (`Supervisor+Describe.swift`).")
            w("")
            targets.append(("echo start-up (exec -> RUNNING) no longer than the seed's", f"{fmt(so, 0)} ms vs {fmt(ss, 0)} ms", so / ss if ss else float("nan"), so <= ss))
            if su.get("ours_cold"):
                sc = med(su["ours_cold"])
                targets.append(("echo first start (no describe cache) no longer than the seed's", f"{fmt(sc, 0)} ms vs {fmt(ss, 0)} ms",
                                sc / ss if ss else float("nan"), sc <= ss))

    # per-process CPU at the highest concurrency
    w("## CPU per process during the runs (median over passes, % of one core)")
    w("")
    w("| part | side | c | process: CPU % |")
    w("|---|---|---|---|")
    cp = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
    for r in cpu:
        cp[(r["part"], r["side"], int(r["conc"]))][r["pass"]][r["role"]] += float(r["cpu_pct"])
    for k in sorted(cp, key=lambda k: (k[0], k[1], k[2])):
        per_role = defaultdict(list)
        for ps in cp[k].values():
            for role, v in ps.items():
                per_role[role].append(v)
        w(f"| {k[0]} | {k[1]} | {k[2]} | " + ", ".join(f"{role} {med(v):.0f}" for role, v in sorted(per_role.items(), key=lambda x: -med(x[1]))) + " |")
    w("")

    w("## Targets (ratio = ours / seed, measured side by side in this run)")
    w("")
    w("| target | measured (ours vs seed) | ratio | met |")
    w("|---|---|---|---|")
    for name, measured, ratio, ok in targets:
        w(f"| {name} | {measured} | {fmt(ratio, 2)} | {'**met**' if ok else '**NOT met**'} |")
    w("")

    notes = ""
    if os.path.exists(results):
        old = open(results).read()
        if NOTES_MARK in old:
            notes = old.split(NOTES_MARK, 1)[1]
    w(NOTES_MARK + notes.rstrip("\n") if notes else NOTES_MARK)
    with open(results, "w") as f:
        f.write("\n".join(L).rstrip("\n") + "\n")
    print("\n".join(L[L.index("## Targets (ratio = ours / seed, measured side by side in this run)"):]))


if __name__ == "__main__":
    main()
