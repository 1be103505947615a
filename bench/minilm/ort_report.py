"""Issue 14, target 1: MiniLM through nginx against ONNX Runtime in process, from one bench/minilm.sh run.

Reads OUT/ort.jsonl (../shared/bench/minilm/ort_anchor.py: one JSON object per engine, threads, text, batch),
OUT/ort-before.jsonl (the same anchor run before ours, when minilm.sh ran it) and OUT/speed.txt (minilm-speed --threads 2: ours in process, same corpora, run right after the anchor).
section() returns the Markdown lines; report.py puts them into bench/MINILM_RESULTS.md.
"""
import json
import os
import re


def read_ort(out, name="ort.jsonl"):
    """(engine, threads, text, batch) -> sentences/s, from one run of the anchor."""
    rates = {}
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return rates
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            r = json.loads(line)
            rates[(r["engine"], int(r["threads"]), r["text"], int(r["batch"]))] = float(r["sent_per_s"])
    return rates


def read_ort_runs(out):
    """(best, before, after): the anchor's rates, the better of its runs before and after ours per point, and each run."""
    before, after = read_ort(out, "ort-before.jsonl"), read_ort(out, "ort.jsonl")
    best = {k: max(v for v in (before.get(k), after.get(k)) if v is not None) for k in set(before) | set(after)}
    return best, before, after


def read_speed(out):
    """point ('short-b1', ...) -> (sentences/s wall, sentences per CPU second, call p50 ms); and the BLAS core."""
    points, core = {}, None
    path = os.path.join(out, "speed.txt")
    if not os.path.exists(path):
        return points, core
    for line in open(path):
        m = re.match(r"(\w+-b\d+): ([\d.]+) sentences/s wall, ([\d.]+) per CPU second, p50 ([\d.]+) ms", line)
        if m:
            points[m.group(1)] = (float(m.group(2)), float(m.group(3)), float(m.group(4)))
        if line.startswith("blas "):
            core = line.split()[1]
    return points, core


def _f(v, fmt="%.1f"):
    return "n/a" if v is None else fmt % v


def _verdict(ok):
    return "not measured" if ok is None else ("**met**" if ok else "**NOT met**")


def section(out, rps, p50, rss_mb, flying_mb, startup_ms, checks):
    """rps(mode, text, c) / p50(mode, text, c): ours through nginx (None when not measured)."""
    ort, before, after = read_ort_runs(out)
    speed, core = read_speed(out)
    L = ["## Target 1 of issue 14: through nginx vs ONNX Runtime in process (this run)", ""]
    if not ort:
        L += ["ONNX Runtime was not measured in this run (ORT=0 or the anchor failed: see ort.err in the raw data).", ""]
        return L
    t2 = lambda text, b: ort.get(("ort-fp32", 2, text, b))
    L.append("ONNX Runtime %s, fp32, `intra_op_num_threads` 2 (`ort_anchor.py`: the same safetensors exported to ONNX, "
             "`ORT_ENABLE_ALL`, the HF tokenizer, padded batches, mean pooling; %s s per point, run in this invocation). "
             "Ours: `octoai fcgi` with its defaults (batching on, `--model-concurrency 1`), OpenBLAS kernels `%s`, "
             "the same corpora posted one text per request. ORT's single-call latency is 1000 / its batch-1 rate "
             "(calls back to back, so a mean, not a p50)." % (
                 _meta_version(out), _meta(out, "ORT_DURATION"), core or "?"))
    L.append("")
    if before:
        L.append("The anchor ran twice, before ours and after (its rate drifts on this shared box): every ORT figure "
                 "below is the better of the two runs, so each target is judged against ORT at its best in this "
                 "invocation. Both runs, fp32 2 threads, sentences/s (before / after): " + "; ".join(
                     "%s-b%d %s / %s" % (text, b, _f(before.get(("ort-fp32", 2, text, b))), _f(after.get(("ort-fp32", 2, text, b))))
                     for text in ("short", "long") for b in (1, 32)) + ".")
        L.append("")
    best = lambda text, b: max([v for v in (t2(text, b), ort.get(("ort-fp32", 1, text, b))) if v is not None], default=None)
    L.append("| target | ours (through nginx) | ONNX Runtime 2 threads (in process) | ratio / limit | verdict | stricter: vs ORT's better of 1 and 2 threads |")
    L.append("|---|---:|---:|---:|---|---|")
    for text in ("short", "long"):
        o, a, b = rps("batch", text, 32), t2(text, 32), best(text, 32)
        ok = None if o is None or a is None else o >= a
        L.append("| %s, c=32: >= 100%% of ORT batch-32 | %s sentences/s | %s sentences/s | %s | %s | %s of %s |" % (
            text, _f(o), _f(a), ("%.0f%%" % (100 * o / a)) if o and a else "n/a", _verdict(ok),
            ("%.0f%%" % (100 * o / b)) if o and b else "n/a", _f(b)))
    for text in ("short", "long"):
        o, a, b = p50("batch", text, 1), t2(text, 1), best(text, 1)
        limit = None if a is None else 1000 / a + 1
        ok = None if o is None or limit is None else o <= limit
        L.append("| %s, c=1: p50 <= ORT single call + 1 ms | %s ms | %s ms | limit %s ms | %s | limit %s ms: %s |" % (
            text, _f(o, "%.2f"), _f(None if a is None else 1000 / a, "%.2f"), _f(limit, "%.2f"), _verdict(ok),
            _f(None if b is None else 1000 / b + 1, "%.2f"), _verdict(None if o is None or b is None else o <= 1000 / b + 1)))
    L.append("| RSS < 150 MB (whole backend, model loaded) | %s MB after the load, %s MB as it stops | | | %s | |" % (
        _f(rss_mb), _f(flying_mb), _verdict(None if rss_mb is None else max(rss_mb, flying_mb or 0) < 150)))
    L.append("| RUNNING < 2 s | %s ms | | | %s | |" % (_f(startup_ms, "%.0f"), _verdict(None if startup_ms is None else startup_ms < 2000)))
    ok_checks = [c for c in checks if " ok:" in c]
    L.append("| accuracy: cosine >= 0.9999, max abs diff <= 1e-4 vs the fixture | %d of %d checks through nginx ok (MiniLMTests checks every fixture sentence) | | | %s |" % (
        len(ok_checks), len(checks), _verdict(None if not checks else len(ok_checks) == len(checks))) + " |")
    L.append("")
    L.append("### In process, side by side (no HTTP; ours = `minilm-speed --threads 2`, run right after the anchor)")
    L.append("")
    L.append("| point | ours, 2 threads | ORT fp32, 2 threads | ORT fp32, 1 thread | ORT int8 (dynamic), 2 threads | torch (sentence-transformers), 2 threads | ours / ORT fp32 2 threads |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    for text in ("short", "long"):
        for b in (1, 32):
            p = "%s-b%d" % (text, b)
            ours = speed.get(p, (None,))[0]
            a = t2(text, b)
            L.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                p, _f(ours), _f(a), _f(ort.get(("ort-fp32", 1, text, b))), _f(ort.get(("ort-int8", 2, text, b))),
                _f(ort.get(("torch-st", 2, text, b))), ("%.2fx" % (ours / a)) if ours and a else "n/a"))
    L.append("")
    L.append("Sentences/s, wall clock. The int8 row is ORT's dynamic quantisation, shown for scale only (the anchor "
             "reports its cosine vs sentence-transformers at ~0.95, below any accuracy bar here).")
    L.append("")
    return L


def _meta(out, key):
    path = os.path.join(out, "meta.env")
    if os.path.exists(path):
        for line in open(path):
            if line.startswith(key + "="):
                return line.rstrip("\n").split("=", 1)[1]
    return "?"


def _meta_version(out):
    return _meta(out, "ORT_VERSION")
