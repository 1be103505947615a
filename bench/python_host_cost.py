#!/usr/bin/env python3
"""Per-call cost of the Python model-owner host (Sources/OctoFCGI/ModelHost/Python/README.md, "Measured").

Run with the interpreter that has octoai-sdk (`.build-venv/bin/python bench/python_host_cost.py`):
spawns the host on the shared EchoService as the supervisor would (Tests/Python/conftest.py's
Owner), sends N sequential /infer calls on one connection, and prints the owner's CPU per call
(from /proc) and the round trip, then the in-process cost of one call (no socket).
"""
import os
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "Python"))

from conftest import ECHO_DIR, Owner  # noqa: E402

N = int(os.environ.get("N", "20000"))
BODY = b'{"prompt": "hello world", "max_tokens": 5}'


def owner_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def through_the_socket():
    owner = Owner(pathlib.Path(tempfile.mkdtemp()), logLevel="INFO").running()
    try:
        client = owner.connect()
        for i in range(1000):
            client.call(0, BODY, request_id=i)
        cpu, start = owner_cpu(owner.proc.pid), time.perf_counter()
        for i in range(N):
            client.call(0, BODY, request_id=i)
        wall = time.perf_counter() - start
        print(f"socket: {(owner_cpu(owner.proc.pid) - cpu) / N * 1e6:.1f} us owner CPU/call, {wall / N * 1e6:.1f} us round trip")
    finally:
        owner.close()


def in_process():
    os.chdir(ECHO_DIR)
    sys.path.insert(0, str(ROOT / "Sources" / "OctoFCGI" / "ModelHost" / "Python"))
    from octoai_fcgi import discovery
    from octoai_fcgi.handlers import Handlers

    handlers = Handlers(discovery.load("service", None))
    for body, name in ((BODY, "200"), (b'{"prompt": 5}', "422")):
        for _ in range(1000):
            handlers.call(0, "application/json", body, 1)
        start = time.perf_counter()
        for _ in range(N):
            handlers.call(0, "application/json", body, 1)
        print(f"in process, {name}: {(time.perf_counter() - start) / N * 1e6:.1f} us/call")


if __name__ == "__main__":
    through_the_socket()
    in_process()
