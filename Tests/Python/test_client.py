"""The octoai client (octoai-sdk 0.10.1's ``octoai.client.Client``, unmodified) against octoai.

``octoai run`` serves the built-in Swift EchoService (and, where the service
file streams, a Python one) through its own nginx; the client's four calls are
what octoai-fcgi must be the server for: ``infer``, ``health_check``,
``infer_stream`` (``text/event-stream``) and ``infer_async`` with
``is_future_ready`` and ``get_future_result`` (``X-OctoAI-Async: 1`` futures).
"""
import logging
import os
import signal
import subprocess
import sys
import time

import pytest
from octoai.client import Client
from octoai.errors import OctoAIClientError

from test_http_differential import OCTOAI, ROOT, free_port, wait_until_running

logging.getLogger("root").setLevel(logging.ERROR)  # the client warns that OCTOAI_TOKEN is unset
STREAM_SERVICE = os.path.join(ROOT, "Tests", "PythonServices", "stream_service")

SERVICES = {
    "swift": ["--service-class", "EchoService"],
    "python": ["--service-module", "service", "--python", sys.executable],
}


@pytest.fixture(params=sorted(SERVICES))
def server(request, tmp_path):
    if not os.access(OCTOAI, os.X_OK):
        pytest.fail(f"no octoai binary at {OCTOAI} (swift build, or set OCTOAI_BIN)")
    if request.param == "python" and not os.path.isdir(STREAM_SERVICE):
        pytest.fail(f"no {STREAM_SERVICE}")
    port = free_port()
    env = {**os.environ, "SETUP_SECONDS": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    log = open(tmp_path / "octoai.log", "w")
    process = subprocess.Popen([OCTOAI, *SERVICES[request.param], "run", "--port", str(port)], cwd=STREAM_SERVICE, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_running(port, process, "octoai")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.fixture
def client():
    return Client(token=None, timeout=30)


def test_infer_and_health_check(server, client):
    assert client.health_check(server + "/healthcheck", timeout=10) == 200
    answer = client.infer(server + "/infer", {"prompt": "hello", "max_tokens": 3})
    assert answer["output"] == "leh"
    assert set(answer["analytics"]) == {"inference_time_ms", "performance_time_ms"}


def test_infer_stream_yields_every_item_in_order_then_the_analytics(server, client):
    events = list(client.infer_stream(server + "/stream", {"prompt": "stream", "delay_ms": 20}))
    assert [e["token"] for e in events[:-1]] == list("maerts")
    assert set(events[-1]) == {"analytics"}


def test_infer_stream_error_after_the_first_item_is_a_last_detail_event(server, client):
    events = list(client.infer_stream(server + "/stream", {"prompt": "boom"}))
    assert events[0] == {"token": "m"}
    assert events[-1] == {"detail": "Internal Server Error"}
    assert len(events) == 2


def test_infer_stream_validation_error_raises_before_any_item(server, client):
    with pytest.raises(OctoAIClientError, match="422"):
        list(client.infer_stream(server + "/stream", {"prompt": 3}))


def test_infer_async_until_the_future_is_ready(server, client):
    future = client.infer_async(server + "/infer", {"prompt": "sleep:0.5"})
    assert future.poll_url.startswith(server + "/futures/")
    assert not client.is_future_ready(future)
    assert client.get_future_result(future) is None
    deadline = time.monotonic() + 20
    while not client.is_future_ready(future):
        assert time.monotonic() < deadline, "the future never completed"
        time.sleep(0.1)
    result = client.get_future_result(future)
    assert result["output"] == "5.0:peels"
    assert result["analytics"]["performance_time_ms"] >= 500


def test_a_failed_future_raises_its_error(server, client):
    future = client.infer_async(server + "/infer", {"prompt": "boom"})
    deadline = time.monotonic() + 20
    while True:
        poll = client._poll_future(future)
        if poll["status"] == "failed":
            break
        assert poll["status"] in ("pending", "running") and time.monotonic() < deadline, poll
        time.sleep(0.05)
    # The client only fetches completed futures; the answer is what the call would have answered.
    response = client._httpx_client.get(poll["response_url"])
    assert (response.status_code, response.json()) == (500, {"detail": "Internal Server Error"})
