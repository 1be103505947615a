#!/usr/bin/env python3
"""The encoder section of bench/PROFILE.md: CPU time and GFLOP/s per step of the MiniLM encoder
against the core's fp32 peak, for the four points of bench/minilm.sh, printed as Markdown.

usage: bench/minilm/profile.py [--speed BIN] [--model-dir DIR] [--calls N]
  BIN       minilm-speed (default .build/release/minilm-speed; build: swift build -c release --product minilm-speed)
  DIR       the model folder (default $OCTOAI_VOLUME_PATH/minilm, else .build-cache/minilm)
It runs, one after the other: bench/minilm/peak.c (built with gcc -O2 -mavx512f -mfma: clock and FMA
throughput of one core), then `minilm-speed --profile N --threads 1` for every point with the kernels
the model picks, the same with OCTOAI_OPENBLAS_CORETYPE=Haswell (AVX2) for the A/B, and short-b1 with
--threads 2. Times are thread CPU seconds (the machine is shared); the profile is the calling thread's.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POINTS = ["short-b1", "short-b32", "long-b1", "long-b32"]


def run(cmd, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, env=e, check=True, capture_output=True, text=True).stdout


def peak():
    exe = os.path.join(tempfile.mkdtemp(), "peak")
    subprocess.run(["gcc", "-O2", "-mavx512f", "-mfma", os.path.join(REPO, "bench/minilm/peak.c"), "-o", exe], check=True)
    out = run([exe])
    ghz = float(re.search(r"clock ([\d.]+) GHz", out).group(1))
    p512 = float(re.search(r"AVX-512 FMA peak ([\d.]+)", out).group(1))
    p256 = float(re.search(r"AVX2 FMA peak ([\d.]+)", out).group(1))
    return ghz, p512, p256


def profile(speed, model_dir, calls, points, threads=1, env=None):
    """point -> (core, ms per call, {stage: (ms, share %, GFLOP/s or None)})."""
    out = run([speed, "--threads", str(threads), "--profile", str(calls), "--points", ",".join(points),
               "--model-dir", model_dir], env)
    core = re.search(r"^blas (\S+)", out, re.M).group(1)
    result = {}
    for line in out.splitlines():
        m = re.match(r"PROFILE (\S+) threads \d+: \d+ calls, ~(\d+) tokens per call, ([\d.]+) ms", line)
        if m:
            result[m.group(1)] = [int(m.group(2)), float(m.group(3)), {}]
            continue
        parts = line.split("\t")
        if line.startswith("PROFILE ") and len(parts) == 5:
            point = parts[0].split()[1]
            rate = None if parts[4] == "-" else float(parts[4].split()[0])
            result[point][2][parts[1]] = (float(parts[2].split()[0]), float(parts[3].rstrip("%")), rate)
    return core, result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--speed", default=os.path.join(REPO, ".build/release/minilm-speed"))
    volume = os.environ.get("OCTOAI_VOLUME_PATH", os.path.join(REPO, ".build-cache"))
    ap.add_argument("--model-dir", default=os.path.join(volume, "minilm"))
    ap.add_argument("--calls", type=int, default=10)
    a = ap.parse_args()
    ghz, p512, p256 = peak()
    core, best = profile(a.speed, a.model_dir, a.calls, POINTS)
    core2, avx2 = profile(a.speed, a.model_dir, a.calls, POINTS, env={"OCTOAI_OPENBLAS_CORETYPE": "Haswell"})
    _, team = profile(a.speed, a.model_dir, a.calls, ["short-b1", "long-b1"], threads=2)
    L = []
    L.append("Peak of one core (bench/minilm/peak.c, thread CPU time): clock %.2f GHz from a chain of dependent adds; "
             "12 independent FMA chains give %.1f GFLOP/s with AVX-512 (%.0f flops/cycle: 2 FMA pipes x 16 lanes x 2) "
             "and %.1f GFLOP/s with AVX2 (%.0f flops/cycle)." % (ghz, p512, p512 / ghz, p256, p256 / ghz))
    L.append("")
    stages = list(best[POINTS[0]][2].keys())
    head = "| step | " + " | ".join("%s (%d tokens)" % (p, best[p][0]) for p in POINTS) + " |"
    L.append("Kernels `%s` (what the model picks here), one thread: ms per call / share / GFLOP/s and %% of the AVX-512 peak." % core)
    L.append("")
    L.append(head)
    L.append("|---|" + "---:|" * len(POINTS))
    for s in stages:
        cells = []
        for p in POINTS:
            ms, share, rate = best[p][2].get(s, (0, 0, None))
            cells.append("%.2f ms, %.0f%%%s" % (ms, share, (", %.0f GFLOP/s = %.0f%%" % (rate, 100 * rate / p512)) if rate else ""))
        L.append("| %s | %s |" % (s, " | ".join(cells)))
    L.append("| **whole encoder** | %s |" % " | ".join("**%.2f ms**" % best[p][1] for p in POINTS))
    L.append("")
    L.append("A/B, the same binary with `OCTOAI_OPENBLAS_CORETYPE=Haswell` (OpenBLAS's AVX2 kernels, `%s`), one thread:" % core2)
    L.append("")
    L.append("| point | %s: ms per call | AVX2: ms per call | speed-up | FFN up GFLOP/s %s / AVX2 (%% of its own peak) |" % (core, core))
    L.append("|---|---:|---:|---:|---|")
    up = "FFN up (384 -> 1536)"
    for p in POINTS:
        r1, r2 = best[p][2][up][2], avx2[p][2][up][2]
        L.append("| %s | %.2f | %.2f | %.2fx | %.0f (%.0f%%) / %.0f (%.0f%%) |" % (
            p, best[p][1], avx2[p][1], avx2[p][1] / best[p][1], r1, 100 * r1 / p512, r2, 100 * r2 / p256))
    L.append("")
    L.append("Two threads on one call (the encoder's own team: GEMMs split by output column, attention by head, "
             "LayerNorm by row), the calling thread's CPU time, spin-waits included: " +
             "; ".join("%s %.2f ms (one thread %.2f ms, %.2fx)" % (p, team[p][1], best[p][1], best[p][1] / team[p][1]) for p in team) + ".")
    print("\n".join(L))
    return 0


if __name__ == "__main__":
    sys.exit(main())
