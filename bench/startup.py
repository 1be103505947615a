#!/usr/bin/env python3
"""Start-up probe for bench/run.sh and bench/minilm.sh.

usage: startup.py URL PIDFILE ARGV...

Starts ARGV (`octoai fcgi ...`, environment inherited, e.g. SETUP_SECONDS=0), writes
its PID to PIDFILE (run.sh stops it), then polls URL every 5 ms until it answers 200
and prints the milliseconds from just before the exec to that 200 (one line). The
caller's nginx answers 502 until octoai's socket accepts and 503 until RUNNING.
Exit 1 if there is no 200 within 30 s or the process dies first.
"""
import http.client
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit


def main() -> int:
    url, pidfile, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    parts = urlsplit(url)
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    with open(pidfile + ".tmp", "w") as f:
        f.write(str(proc.pid))
    os.rename(pidfile + ".tmp", pidfile)
    polls = 0
    while time.monotonic() - t0 < 30:
        polls += 1
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=1)
            conn.request("GET", parts.path)
            status = conn.getresponse().status
            conn.close()
        except OSError:
            status = 0
        if status == 200:
            ms = (time.monotonic() - t0) * 1000
            print(f"{ms:.1f}\t{polls}")
            return 0
        if proc.poll() is not None:
            print(f"process exited with {proc.returncode} before 200", file=sys.stderr)
            return 1
        time.sleep(0.005)
    print("no 200 within 30 s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
