#!/usr/bin/env python3
"""Formats bench/uploads.sh's raw data (OUT dir) into bench/UPLOAD_RESULTS.md and
judges issue 14's target 2: ours >= 2x the seed's sync mode in req/s at every c, and
CPU per upload (nginx + octoai) <= 1.5x nginx alone receiving the same body.

usage: uploads_report.py OUT UPLOAD_RESULTS.md
Each figure is the median over the passes; the passes' own values follow in brackets.
"""
import csv
import os
import statistics
import sys

OUT, RESULTS = sys.argv[1], sys.argv[2]
meta = {}
for line in open(os.path.join(OUT, "meta.env")):
    if "=" in line:
        key, value = line.rstrip("\n").split("=", 1)
        meta[key] = value
runs = {}
with open(os.path.join(OUT, "uploads.tsv"), newline="") as f:
    for r in csv.DictReader(f, delimiter="\t"):
        runs.setdefault((r["config"], int(r["c"])), []).append(r)
concs = sorted({c for _, c in runs})


def med(cfg, c, key):
    values = [float(r[key]) for r in runs.get((cfg, c), [])]
    return (statistics.median(values), values) if values else (None, [])


def cell(cfg, c, key, fmt="{:.1f}"):
    m, values = med(cfg, c, key)
    if m is None:
        return "n/a"
    return fmt.format(m) + (" (" + " / ".join(fmt.format(v) for v in values) + ")" if len(values) > 1 else "")


names = {"ours": "ours (`octoai run`, defaults)", "seed": "seed, sync mode (echo_service/service.py)",
         "nginx-alone": "nginx alone (`return 200`)"}
lines = [
    "# Uploads: 5 MiB multipart/form-data to POST /upload (issue 14, target 2)", "",
    f"`{meta['COMMAND']}` on {meta['DATE']}, commit `{meta['COMMIT']}`; {meta['MACHINE']}; nginx {meta['NGINX']}; "
    f"load average {meta['LOAD']} (start -> end of the run; 2 cores, so above 2 means something else ran too).", "",
    "Body: one 5 MiB file part (`5mib.bin`, application/octet-stream) and a `label` text part, from wrk (1 thread). "
    "ours = `octoai run --service-class EchoService` (its private nginx from the same template as deploy/nginx.conf, "
    "and the backend with every default); seed = octoai-sdk 0.10.1 `python -m octoai.server --service-module service "
    "run --async-enable False` serving `../shared/python-services/echo_service/service.py` unchanged, direct (uvicorn); "
    "nginx alone = the same nginx with `location / { return 200 ...; }`, which reads and drops the body. CPU = utime + "
    "stime of all the server's processes (nginx master + worker; octoai's supervisor, model owner, responder; "
    "uvicorn) over the run / requests answered; wrk's own CPU is not counted. Medians of the passes, each pass's "
    "value in brackets.", "",
    "| config | c | req/s | p50 ms | p99 ms | CPU ms / upload | errors |",
    "| --- | --- | --- | --- | --- | --- | --- |",
]
for cfg in ("ours", "seed", "nginx-alone"):
    for c in concs:
        if (cfg, c) not in runs:
            continue
        errors = sum(int(r["errors"]) for r in runs[(cfg, c)])
        lines.append(f"| {names[cfg]} | {c} | {cell(cfg, c, 'rps')} | {cell(cfg, c, 'p50_ms', '{:.2f}')} | "
                     f"{cell(cfg, c, 'p99_ms', '{:.2f}')} | {cell(cfg, c, 'cpu_ms_per_upload', '{:.2f}')} | {errors} |")

lines += ["", "## Memory of ours: RSS before the load, at its peak (0.1 s samples) and 2 s after it", "",
          "octoai = supervisor + model owner + responder; nginx = its master + worker.", "",
          "| c | octoai before | octoai peak | octoai after | nginx before | nginx peak | nginx after |",
          "| --- | --- | --- | --- | --- | --- | --- |"]
for c in concs:
    if ("ours", c) in runs:
        lines.append("| " + " | ".join([str(c)] + [cell("ours", c, k, "{:,.0f} KiB") for k in (
            "rss_idle_kib", "rss_peak_kib", "rss_after_kib", "nginx_idle_kib", "nginx_peak_kib", "nginx_after_kib")]) + " |")

lines += ["", "## Target 2", "", "| target | measured | verdict |", "| --- | --- | --- |"]
for c in concs:
    ours, seed = med("ours", c, "rps")[0], med("seed", c, "rps")[0]
    if ours is not None and seed:
        lines.append(f"| c={c}: ours >= 2x seed sync req/s | {ours:.1f} / {seed:.1f} = {ours / seed:.2f}x | "
                     f"{'**met**' if ours >= 2 * seed else '**not met**'} |")
for c in concs:
    ours, alone = med("ours", c, "cpu_ms_per_upload")[0], med("nginx-alone", c, "cpu_ms_per_upload")[0]
    if ours is not None and alone:
        lines.append(f"| c={c}: CPU per upload <= 1.5x nginx alone | {ours:.2f} / {alone:.2f} ms = {ours / alone:.2f}x | "
                     f"{'**met**' if ours <= 1.5 * alone else '**not met**'} |")
def growth(key):
    return max(float(r[key]) - float(r[key.replace("peak", "idle").replace("after", "idle")])
               for c in concs for r in runs.get(("ours", c), [])) / 1024


if ("ours", concs[-1]) in runs:
    lines.append(f"| memory bounded by the body limit per request, back to idle after the load | octoai: peak "
                 f"+{growth('rss_peak_kib'):.1f} MiB, after {growth('rss_after_kib'):+.1f} MiB; nginx: peak "
                 f"+{growth('nginx_peak_kib'):.1f} MiB, after {growth('nginx_after_kib'):+.1f} MiB (64 MiB limit x "
                 f"{concs[-1]} in flight = {64 * concs[-1]} MiB bound) | see the memory table |")
lines.append("")
with open(RESULTS, "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
