#!/usr/bin/env python3
"""Streams and futures through nginx (issue 13): time to first item and items/s for
EchoService's POST /stream at several concurrencies, the cost per item beside a plain
POST /infer measured by the same client, and futures' submit + poll + fetch round trips.

Usage: stream_bench.py PORT OUT.json [--duration S] [--conc "1 16 64"] [--items N]
The client is this script: one thread per connection, HTTP/1.1 with keep-alive off
(a new connection per request, as the octoai client's httpx pool mostly does not
reuse across threads). Its own cost is in every row alike; compare rows of one run.
"""
import argparse
import json
import socket
import statistics
import threading
import time


def request(port, path, body, headers=()):
    """Sends one POST; returns the socket with the request written."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    data = json.dumps(body).encode()
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Type: application/json\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers)
    sock.sendall((head + f"Content-Length: {len(data)}\r\n\r\n").encode() + data)
    return sock


def read_all(sock):
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    sock.close()
    return b"".join(chunks)


def stream_once(port, items):
    """One /stream call: (seconds to the first item, seconds in all, items seen)."""
    start = time.perf_counter()
    sock = request(port, "/stream", {"prompt": "x" * items, "max_tokens": items})
    first, seen, buffer = None, 0, b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buffer += chunk
        count = buffer.count(b'data: {"token"')
        if count and first is None:
            first = time.perf_counter() - start
        seen += count
        buffer = buffer[buffer.rfind(b"\n") + 1:] if count else buffer
        if b"data: [DONE]" in chunk:
            break
    sock.close()
    return first, time.perf_counter() - start, seen


def infer_once(port, _items):
    start = time.perf_counter()
    answer = read_all(request(port, "/infer", {"prompt": "hello"}))
    assert b" 200 " in answer.split(b"\r\n", 1)[0], answer[:200]
    return None, time.perf_counter() - start, 1


def future_once(port, _items):
    """Submit, poll until completed, fetch: one round trip."""
    start = time.perf_counter()
    raw = read_all(request(port, "/infer", {"prompt": "hello"}, [("X-OctoAI-Async", "1")]))
    future = json.loads(raw.split(b"\r\n\r\n", 1)[1])
    poll = "/futures/" + future["response_id"]
    while True:
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.sendall(f"GET {poll} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        if b'"completed"' in read_all(sock):
            break
        time.sleep(0.001)
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(f"GET {poll}/result HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    assert b'"output"' in read_all(sock)
    return None, time.perf_counter() - start, 1


def run(kind, port, conc, duration, items):
    call = {"stream": stream_once, "infer": infer_once, "futures": future_once}[kind]
    results, errors, stop = [], [0], time.perf_counter() + duration
    lock = threading.Lock()

    def worker():
        while time.perf_counter() < stop:
            try:
                r = call(port, items)
            except Exception:
                with lock:
                    errors[0] += 1
                continue
            with lock:
                results.append(r)

    threads = [threading.Thread(target=worker) for _ in range(conc)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    totals = sorted(r[1] for r in results)
    firsts = sorted(r[0] for r in results if r[0] is not None)

    def pct(values, q):
        return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 3) if values else None

    return {"kind": kind, "c": conc, "calls": len(results), "errors": errors[0], "calls_per_s": round(len(results) / elapsed, 1),
            "items_per_s": round(sum(r[2] for r in results) / elapsed, 1), "p50_ms": pct(totals, 0.5), "p99_ms": pct(totals, 0.99),
            "first_item_p50_ms": pct(firsts, 0.5), "first_item_p99_ms": pct(firsts, 0.99),
            "mean_items": round(statistics.mean(r[2] for r in results), 1) if results else 0}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("out")
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--conc", default="1 16 64")
    parser.add_argument("--items", type=int, default=32)
    args = parser.parse_args()
    rows = []
    for conc in (int(c) for c in args.conc.split()):
        for kind in ("infer", "stream", "futures"):
            if kind == "futures" and conc > 16:
                continue
            rows.append(run(kind, args.port, conc, args.duration, args.items))
            print(json.dumps(rows[-1]), flush=True)
    with open(args.out, "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
