#!/usr/bin/env python3
"""Steady load for the multi-host test: CLIENTS threads, each on a new connection
per request (as the Swift tests' LoadGenerator, so no answer is lost to a kept
connection nginx closes on reload), send POST /infer to nginx back to back until the stop file exists or
LIMIT seconds pass; STOP_FILE.ready appears after the first 20 answers. SIGUSR1
starts a new phase. Writes a JSON summary to OUT: sent,
ok, failed, the first failures, and per phase how many answers each replica
(OCTOAI_REPLICA_NAME) gave.

  load.py HOST PORT OUT STOP_FILE [CLIENTS] [LIMIT]
"""
import http.client
import json
import os
import signal
import sys
import threading
import time

host, port, out, stop_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
clients = int(sys.argv[5]) if len(sys.argv) > 5 else 4
limit = float(sys.argv[6]) if len(sys.argv) > 6 else 120
lock = threading.Lock()
phases = [{}]
totals = {"sent": 0, "ok": 0, "failed": 0}
failures = []


def new_phase(*_):
    with lock:
        phases.append({})


signal.signal(signal.SIGUSR1, new_phase)
# Whoever started us may have left SIGUSR1 blocked (the mask survives exec).
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
end = time.monotonic() + limit


def client():
    while time.monotonic() < end and not os.path.exists(stop_file):
        outcome, name = None, None
        connection = http.client.HTTPConnection(host, port, timeout=15)
        try:
            connection.request("POST", "/infer", body=b'{"prompt":"multihost"}',
                               headers={"Content-Type": "application/json", "Connection": "close"})
            response = connection.getresponse()
            body = response.read()
            name = response.getheader("OCTOAI_REPLICA_NAME")
            if response.status != 200:
                outcome = f"{response.status} {body[:120]!r}"
        except Exception as error:  # a connection error is a failed request too
            outcome = f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            totals["sent"] += 1
            if outcome is None:
                totals["ok"] += 1
                if totals["ok"] == 20:  # the script starts its events once the load flows
                    open(stop_file + ".ready", "w").close()
                phase = phases[-1]
                phase[name or "?"] = phase.get(name or "?", 0) + 1
            else:
                totals["failed"] += 1
                if len(failures) < 20:
                    failures.append(outcome)


threads = [threading.Thread(target=client) for _ in range(clients)]
for t in threads:
    t.start()
while any(t.is_alive() for t in threads):
    for t in threads:
        t.join(0.2)
with open(out + ".tmp", "w") as f:
    json.dump(dict(totals, failures=failures, phases=phases), f)
os.rename(out + ".tmp", out)
