"""octoai through nginx against the seed's own server, both real processes.

The same TypesService file is served by ``octoai --service-module service run``
(nginx, a Swift responder, the Python model owner) and by the seed in sync mode
(``python -m octoai.server --service-module service run --async-enable False``,
FastAPI in-process under uvicorn). Every request of the differential corpus goes
to both over HTTP; status and body must be equal (a 200's ``output``; the
analytics are timings). The one documented difference (CONTRACT §2, a fix) is a
method's plain exception: the seed sends text/plain "Internal Server Error", we
send ``{"detail":"Internal Server Error"}``.
"""
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from test_differential import TYPES_DIR, TYPES_PATHS, random_cases, types_cases

OCTOAI = os.environ.get("OCTOAI_BIN", os.path.join(ROOT, ".build", "debug", "octoai"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, path, content_type, body):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": content_type.decode()} if content_type else {}
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    answer = (response.status, response.getheader("content-type"), response.read())
    connection.close()
    return answer


def wait_until_running(port, process, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} exited with {process.returncode}"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthcheck")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} did not reach RUNNING in {timeout} s")


@pytest.fixture
def servers(tmp_path):
    if not os.access(OCTOAI, os.X_OK):
        pytest.fail(f"no octoai binary at {OCTOAI} (swift build, or set OCTOAI_BIN)")
    ours, seeds = free_port(), free_port()
    env = {**os.environ, "SETUP_SECONDS": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    logs = [open(tmp_path / "octoai.log", "w"), open(tmp_path / "seed.log", "w")]
    started = [
        subprocess.Popen([OCTOAI, "--service-module", "service", "--python", sys.executable, "run", "--port", str(ours)],
                         cwd=TYPES_DIR, env=env, stdout=logs[0], stderr=subprocess.STDOUT, start_new_session=True),
        subprocess.Popen([sys.executable, "-m", "octoai.server", "--service-module", "service", "run", "--port", str(seeds),
                          "--async-enable", "False"],
                         cwd=TYPES_DIR, env=env, stdout=logs[1], stderr=subprocess.STDOUT, start_new_session=True),
    ]
    try:
        wait_until_running(ours, started[0], "octoai")
        wait_until_running(seeds, started[1], "the seed")
        yield ours, seeds
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log in logs:
            log.close()


def same(ours, seeds):
    (status, ctype, body), (s_status, s_ctype, s_body) = ours, seeds
    if status == 200:
        return s_status == 200 and json.loads(body)["output"] == json.loads(s_body)["output"]
    if status == 500 and body == b'{"detail":"Internal Server Error"}':
        return s_status == 500 and s_body == b"Internal Server Error"
    return (status, body) == (s_status, s_body)


def test_octoai_through_nginx_answers_as_the_seed_does(servers):
    ours, seeds = servers
    cases = types_cases() + random_cases(random.Random(7), 150)
    differences, statuses = [], set()
    for endpoint, content_type, body in cases:
        path = TYPES_PATHS[endpoint]
        a, b = post(ours, path, content_type, body), post(seeds, path, content_type, body)
        statuses.add(b[0])
        if not same(a, b):
            differences.append({"request": (path, content_type, body[:200]), "ours": a[:2] + (a[2][:300],), "seed": b[:2] + (b[2][:300],)})
    assert len(cases) > 1000 and {200, 422, 500} <= statuses
    assert differences == [], json.dumps(differences[:5], default=repr, indent=1)
