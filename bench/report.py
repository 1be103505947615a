#!/usr/bin/env python3
"""Formats bench/run.sh's raw data (OUT dir) into bench/RESULTS.md.

usage: report.py OUT RESULTS.md
"""
import csv
import glob
import os
import statistics
import sys

OUT, RESULTS = sys.argv[1], sys.argv[2]


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def read_env(path):
    env = {}
    for line in open(path):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            env[k] = v
    return env


meta = read_env(os.path.join(OUT, "meta.env"))
concs = [int(c) for c in meta["CONCURRENCY"].split()]
nproc = int(meta["NPROC"])

# ---------------------------------------------------------------- ours
ours = {}  # (config, row, c) -> list of runs
for r in read_tsv(os.path.join(OUT, "ours.tsv")):
    ours.setdefault((r["config"], r["row"], int(r["conc"])), []).append(r)

# ---------------------------------------------------------------- baselines (anchors.sh, one dir per pass)
base = {}  # (row, c) -> list of runs
base_mem = {}
for d in sorted(glob.glob(os.path.join(OUT, "anchors-pass*", "anchors-*"))):
    pass_no = d.split("anchors-pass")[1].split("/")[0]
    res = os.path.join(d, "results.tsv")
    if os.path.exists(res):
        for r in read_tsv(res):
            r = dict(r, **{"pass": pass_no})
            base.setdefault((r["row"], int(r["conc"])), []).append(r)
    mem = os.path.join(d, "memory.tsv")
    if os.path.exists(mem):
        for r in read_tsv(mem):
            base_mem[r["set"]] = r


def best(runs):
    """The run with the highest req/s, and all req/s in pass order."""
    if not runs:
        return None, []
    b = max(runs, key=lambda r: float(r["rps"]))
    return b, [float(r["rps"]) for r in runs]


def fnum(x, nd=0):
    return "n/a" if x is None else f"{x:,.{nd}f}"


def ratio(a, b):
    return None if (a is None or not b) else a / b


def fr(x, pct=True):
    if x is None:
        return "n/a"
    return f"{100 * x:.0f}%" if pct else (f"{x:.2f}x" if x < 10 else f"{x:.1f}x")


def ceiling(c):
    b, _ = best(base.get(("B-keep-w1", c), []))
    return (float(b["rps"]), float(b["p99_ms"])) if b else (None, None)


def seed(c):
    b, _ = best(base.get(("C-direct", c), []))
    return float(b["rps"]) if b else None


def ours_best(cfg, row, c):
    b, _ = best(ours.get((cfg, row, c), []))
    return (float(b["rps"]), float(b["p50_ms"]), float(b["p99_ms"])) if b else (None, None, None)


L = []
w = L.append
quick = meta.get("QUICK") == "1"
w("# octoai-fcgi benchmark results")
w("")
w("Written by `bench/run.sh` (`bash bench/run.sh`; raw data in its OUT directory). "
  + ("**QUICK run (development numbers, one short pass): not a result.**" if quick else ""))
w("")
w("| | |")
w("| --- | --- |")
w(f"| date | {meta['DATE']} |")
w(f"| commit | `{meta['COMMIT']}`" + (" (with uncommitted changes to Sources)" if meta.get("DIRTY") == "yes" else "") + " |")
w(f"| machine | {meta['NPROC']} CPUs, {meta['CPU']}, {int(meta['MEM_TOTAL']) // 1024} MiB RAM, Linux {meta['KERNEL']} |")
w(f"| software | {meta['SWIFT_VERSION']}; nginx {meta['NGINX_VERSION']}; {meta['WRK_VERSION']} |")
w(f"| load average (1/5/15 min) | start {meta['LOAD_START']}, end {meta['LOAD_END']} |")
w(f"| runs | wrk -t1, {meta['DURATION']} per point, c = {', '.join(map(str, concs))}, {meta['REPS']} passes interleaved with the baselines "
  f"(baselines pass 1, ours pass 1, baselines pass 2, ours pass 2); best pass shown, every pass's req/s in brackets |")
w(f"| ours | nginx (1 worker, `octoai nginx-config`, upstream keepalive {meta['KEEPALIVE']}) -> `octoai fcgi`/`scgi` "
  f"(workers {meta['WORKERS']}, threads {meta['THREADS']}{', ' + meta['EXTRA_ARGS'] if meta.get('EXTRA_ARGS') else ''}) -> EchoService, "
  f"release build (`swift build -c release {meta.get('BUILD_FLAGS', '')}`), `SETUP_SECONDS=0`; "
  f"`fcgi-async-mc` = fcgi-async with `--model-concurrency {meta.get('SPIN_MC', '?')}`, spin row only |")
w(f"| wall time | {int(meta['ELAPSED']) // 60} min {int(meta['ELAPSED']) % 60} s |")
w("")
w("**Noise.** This is a 2-core machine shared with other engineers' builds and tests; wrk, nginx and the servers "
  "share the same two cores, so absolute numbers move between runs (compare ratios within one run). "
  "`other CPU` below is busy CPU used by neither our processes nor wrk during a run (% of one core); "
  "runs with a high value were disturbed. The load average above is the machine's at start and end.")
w("")
w("nginx in front of octoai is `octoai nginx-config` as rendered, plus what a private foreground nginx needs "
  "(`daemon off`, pid, `error_log stderr`, temp paths, `access_log off`) and `keepalive_requests 10000000` "
  "(client and upstream), the same as the baseline nginx in `anchors.sh`.")
w("")

# ---------------------------------------------------------------- baselines table
w("## Baselines (same run, `../shared/bench/anchors.sh`)")
w("")
w("| row | what | c | req/s | p50 ms | p99 ms | errors |")
w("| --- | --- | --- | --- | --- | --- | --- |")
what = {"A-w1": "nginx alone, `return 200` (HTTP ceiling)",
        "B-keep-w1": "nginx -> C libfcgi responder, keep-conn (FastCGI ceiling)",
        "C-direct": "Python seed, POST /infer, async mode, direct"}
for row in ["A-w1", "B-keep-w1", "C-direct"]:
    for c in concs:
        b, alls = best(base.get((row, c), []))
        if not b:
            w(f"| {row} | {what[row]} | {c} | not run | | | |")
            continue
        errs = sum(int(r["errors"]) for r in base[(row, c)])
        w(f"| {row} | {what[row]} | {c} | {float(b['rps']):,.0f} ({' / '.join(f'{x:,.0f}' for x in alls)}) "
          f"| {float(b['p50_ms']):.3f} | {float(b['p99_ms']):.3f} | {errs} |")
w("")

# ---------------------------------------------------------------- the seed's upload row (sync mode)
seed_up = {}  # c -> list of runs
_p = os.path.join(OUT, "seed-upload.tsv")
if os.path.exists(_p):
    for r in read_tsv(_p):
        seed_up.setdefault(int(r["c"]), []).append(r)

# ---------------------------------------------------------------- ours
titles = {"infer": 'POST /infer {"prompt":"hello"}', "health": "GET /healthcheck",
          "spin": 'POST /infer {"prompt":"spin:0.005"} (5 ms CPU per request)', "upload": "POST /upload, 5 MiB multipart"}
configs = meta["CONFIGS"].split()
w("## Ours")
w("")
w("Ratios: `/ceiling` = ours / B-keep-w1 req/s at the same c; `p99/ceiling` = ours p99 / B-keep-w1 p99; "
  "`/seed` = ours / C-direct (seed, async, POST /infer) req/s at the same c. "
  "`eff_c` = req/s x mean latency, the mean number of requests really in flight: well below c means some "
  "connections were stalled (wrk's percentiles only see completed requests). Latencies are wrk 4.1's "
  "(coordinated-omission corrected, which only inflates them). `other CPU %` = the worst pass's CPU used by "
  "neither our processes nor wrk, in % of one core.")
w("")
for row in ["infer", "health", "spin", "upload"]:
    present = [cfg for cfg in configs if any((cfg, row, c) in ours for c in concs)]
    if not present:
        if row == "upload":
            w(f"### {titles[row]}")
            w("")
            w(f"Not measured: {meta.get('UPLOAD_NOTE') or 'row not selected'}.")
            w("")
        continue
    w(f"### {titles[row]}")
    w("")
    w("| config | c | req/s | p50 ms | p99 ms | /ceiling | p99/ceiling | /seed | eff_c | errors | other CPU % |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for cfg in present:
        for c in concs:
            runs = ours.get((cfg, row, c), [])
            b, alls = best(runs)
            if not b:
                continue
            rps, p50, p99 = float(b["rps"]), float(b["p50_ms"]), float(b["p99_ms"])
            crps, cp99 = ceiling(c)
            errs = sum(int(r["errors"]) for r in runs)
            other = max(int(float(r["other_cpu_pct"])) for r in runs)
            w(f"| {cfg} | {c} | {rps:,.0f} ({' / '.join(f'{x:,.0f}' for x in alls)}) | {p50:.3f} | {p99:.3f} "
              f"| {fr(ratio(rps, crps))} | {fr(ratio(p99, cp99), False)} | {fr(ratio(rps, seed(c)), False)} | {rps * float(b['mean_ms']) / 1000:.1f} | {errs} | {other} |")
    if row == "upload":
        for c in concs:
            runs = seed_up.get(c, [])
            b, alls = best(runs)
            if b:
                w(f"| seed, sync mode (`bench/seed/upload_service.py`) | {c} | {float(b['rps']):,.1f} ({' / '.join(f'{x:,.1f}' for x in alls)}) "
                  f"| {float(b['p50_ms']):.3f} | {float(b['p99_ms']):.3f} | | | | {float(b['rps']) * float(b['mean_ms']) / 1000:.1f} "
                  f"| {sum(int(r['errors']) for r in runs)} | |")
    if row == "spin":
        w("")
        w(f"CPU-bound throughput in cores' worth of inference: req/s x 5 ms. {nproc} cores here, shared with nginx and wrk. "
          + ("`--model-concurrency` exists in this build." if meta.get("HAS_MODEL_CONCURRENCY") == "1"
             else "`--model-concurrency` does not exist in this build yet: the model owner runs one inference at a time."))
    w("")

# ---------------------------------------------------------------- memory
mem = read_tsv(os.path.join(OUT, "memory.tsv"))
last_pass = max((r["pass"] for r in mem), default=None)
w("## Memory after the load")
w("")
w("Each configuration's processes (supervisor + model owner + responders; sync mode has no model owner) "
  "1 s after its last load run (wrk stops with requests still in flight — up to 64 5 MiB bodies — and these are let finish; the in-flight peak is not what stays): RSS = sum of `VmRSS` from `/proc/PID/status`, PSS = sum of `Pss` from "
  "`/proc/PID/smaps_rollup` (shared pages split between the processes sharing them).")
w("")
w("| config | processes | RSS total | PSS total | per process (RSS KiB) |")
w("| --- | --- | --- | --- | --- |")
memtot = {}
for cfg in configs:
    rs = [r for r in mem if r["config"] == cfg and r["pass"] == last_pass]
    if not rs:
        continue
    rss = sum(int(r["rss_kib"]) for r in rs)
    pss = sum(int(r["pss_kib"]) for r in rs)
    memtot[cfg] = (rss, pss)
    per = ", ".join(f"{r['role'].split()[1] if len(r['role'].split()) > 1 else r['role']}"
                    f"{'(' + r['pid'] + ')'}: {int(r['rss_kib']):,}" for r in rs)
    w(f"| {cfg} | {len(rs)} | {rss / 1024:.1f} MiB ({rss * 1024 / 1e6:.1f} MB) | {pss / 1024:.1f} MiB | {per} |")
seedmem = next((v for k, v in base_mem.items() if k.startswith("seed async")), None)
if seedmem:
    w(f"| seed (async: uvicorn + predict loop + resource tracker, from anchors.sh) | {seedmem['nprocs']} "
      f"| {int(seedmem['rss_kib']) / 1024:.1f} MiB | {int(seedmem['pss_kib']) / 1024:.1f} MiB | |")
w("")
w("The role column is the process's command line as exec'd (children re-exec the same binary with an internal "
  "subcommand).")
w("")

# ---------------------------------------------------------------- start-up
st = []
p = os.path.join(OUT, "startup.tsv")
if os.path.exists(p):
    for line in open(p):
        parts = line.split()
        if parts:
            st.append(float(parts[0]))
st_med = statistics.median(st) if st else None
w("## Start-up")
w("")
w("From just before the exec of `octoai fcgi` (FastCGI, async, `SETUP_SECONDS=0`, defaults) to the first "
  "`GET /healthcheck` 200 through nginx, polled every 5 ms (`bench/startup.py`), 5 times.")
w("")
w(f"Median **{fnum(st_med, 1)} ms**; all: {', '.join(f'{x:.1f}' for x in st)} ms.")
w("")

# ---------------------------------------------------------------- targets
w("## Targets (issue 4)")
w("")
w("| target | measured | verdict |")
w("| --- | --- | --- |")


def verdict(ok):
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def row_target(label, cfg, row, thr):
    for c in (16, 64):
        if c not in concs:
            continue
        rps = ours_best(cfg, row, c)[0]
        crps, _ = ceiling(c)
        r = ratio(rps, crps)
        ok = None if r is None else r >= thr
        gap = "" if r is None or ok else f" (short by {100 * (thr - r):.0f} points: needs {thr * crps:,.0f} req/s)"
        w(f"| {label}, c={c}: >= {100 * thr:.0f}% of B-keep-w1 | {fnum(rps)} / {fnum(crps)} = {fr(r)}{gap} | {verdict(ok)} |")


def p99_target(limit):
    for c in (16, 64):
        if c not in concs:
            continue
        _, _, p99 = ours_best("fcgi-async", "infer", c)
        _, cp99 = ceiling(c)
        r = ratio(p99, cp99)
        ok = None if r is None else r <= limit
        w(f"| FastCGI async POST /infer, c={c}: p99 <= {limit:g}x B-keep-w1 p99 | {fnum(p99, 3)} ms / {fnum(cp99, 3)} ms = {fr(r, False)} | {verdict(ok)} |")


row_target("FastCGI async POST /infer", "fcgi-async", "infer", 0.60)
p99_target(2.0)
row_target("FastCGI GET /healthcheck", "fcgi-async", "health", 0.85)
row_target("FastCGI sync POST /infer", "fcgi-sync", "infer", 0.80)
for row in ("infer", "health"):
    for c in (16, 64):
        if c not in concs:
            continue
        s = ours_best("scgi-async", row, c)[0]
        f = ours_best("fcgi-async", row, c)[0]
        r = ratio(s, f)
        ok = None if r is None else r >= 0.5
        w(f"| SCGI {row}, c={c}: >= 50% of FastCGI | {fnum(s)} / {fnum(f)} = {fr(r)} | {verdict(ok)} |")
spin = [(cfg, c, ours_best(cfg, "spin", c)[0]) for cfg in ("fcgi-async", "fcgi-async-mc") for c in concs]
spin = [(cfg, c, x) for cfg, c, x in spin if x is not None]
if spin:
    cfg, c, x = max(spin, key=lambda t: t[2])
    cores = x * 0.005
    ok = cores >= 0.8 * nproc
    how = f"`--model-concurrency {meta.get('SPIN_MC', '?')}`" if cfg == "fcgi-async-mc" else "default `--model-concurrency 1`"
    w(f"| CPU-bound `spin:0.005` scales to ~{nproc} cores (rule used: >= {0.8 * nproc:.1f} cores of inference) "
      f"| best {x:,.0f} req/s at c={c} ({how}) = {cores:.2f} cores"
      + ("" if meta.get("HAS_MODEL_CONCURRENCY") == "1" else "; no `--model-concurrency` option yet") + f" | {verdict(ok)} |")
up = [(c, ours_best("fcgi-async", "upload", c)) for c in concs]
up = [(c, v) for c, v in up if v[0] is not None]
if up:
    def seed_text(c):
        b, _ = best(seed_up.get(c, []))
        return f" vs seed sync {float(b['rps']):,.1f} req/s, p50 {float(b['p50_ms']):.1f} ms" if b else " (seed sync: not run)"
    w("| 5 MiB upload reported beside the seed's sync mode | " + "; ".join(
        f"c={c}: {v[0]:,.1f} req/s, p50 {v[1]:.1f} ms{seed_text(c)}" for c, v in up) + " | reported |")
else:
    w(f"| 5 MiB upload reported beside the seed's sync mode | {meta.get('UPLOAD_NOTE') or 'not run'} | **not met** (no upload endpoint to measure) |")
if "fcgi-async" in memtot:
    rss, pss = memtot["fcgi-async"]
    mb = rss * 1024 / 1e6
    ok = mb < 40
    w(f"| Memory: supervisor + model owner + responders < 40 MB RSS | {mb:.1f} MB RSS ({rss / 1024:.1f} MiB; PSS {pss / 1024:.1f} MiB)"
      + ("" if ok else f", over by {mb - 40:.1f} MB") + f" | {verdict(ok)} |")
if st_med is not None:
    ok = st_med < 300
    w(f"| Start-up: exec -> RUNNING < 300 ms | median {st_med:.1f} ms" + ("" if ok else f", over by {st_med - 300:.0f} ms") + f" | {verdict(ok)} |")
w("")

# ---------------------------------------------------------------- issue 14
w("## Targets (issue 14: target 3, and target 2's throughput rows)")
w("")
w("Target 2's CPU row (nginx + octoai CPU per upload within 1.5x of nginx alone receiving the same body) "
  "is measured by `bench/uploads.sh` (`bench/UPLOAD_RESULTS.md`), which has the nginx-alone row; this run "
  "judges the upload rate against the seed's sync mode measured here.")
w("")
w("| target | measured | verdict |")
w("| --- | --- | --- |")
row_target("FastCGI async POST /infer", "fcgi-async", "infer", 0.80)
p99_target(1.5)
row_target("FastCGI sync POST /infer", "fcgi-sync", "infer", 0.90)
row_target("FastCGI GET /healthcheck", "fcgi-async", "health", 1.00)
if "fcgi-async" in memtot:
    rss, _ = memtot["fcgi-async"]
    mb = rss * 1024 / 1e6
    w(f"| Memory: supervisor + model owner + responders < 40 MB RSS | {mb:.1f} MB RSS | {verdict(mb < 40)} |")
if st_med is not None:
    w(f"| Start-up: exec -> RUNNING < 50 ms | median {st_med:.1f} ms | {verdict(st_med < 50)} |")
for c in concs:
    ours_up = ours_best("fcgi-async", "upload", c)[0]
    b, _ = best(seed_up.get(c, []))
    seed_rps = float(b["rps"]) if b else None
    r = ratio(ours_up, seed_rps)
    ok = None if r is None else r >= 2.0
    w(f"| 5 MiB upload, c={c}: >= 2x the seed's sync mode | {fnum(ours_up, 1)} / {fnum(seed_rps, 1)} req/s = {fr(r, False)} | {verdict(ok)} |")
w("")
faults = os.path.join(os.path.dirname(os.path.abspath(__file__)), "FAULTS.md")
if os.path.exists(faults):
    w(open(faults).read().rstrip("\n"))
    w("")
w(f"The default model's benchmark (issue 6) is in `bench/MINILM_RESULTS.md` (`bash bench/minilm.sh`).")
w("")
w(f"Raw data of this run: `{os.path.basename(OUT.rstrip('/'))}` in its OUT folder (not kept in the repo): `ours.tsv`, `anchors-pass*/`, `wrk.log`, `memory.tsv`, `startup.tsv`, logs.")
w("")

with open(RESULTS, "w") as f:
    f.write("\n".join(L))
print("\n".join(L))
