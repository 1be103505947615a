"""The model owner (`serve`) with the shared EchoService: lifecycle, every endpoint, queueing and signals."""
import json
import os
import signal
import socket
import subprocess
import time

import pytest

from conftest import HOST_DIR, SERVICES, complete_parts

OUTPUT, ERROR, COMPLETE = 0x11, 0x12, 0x13
INFER, TOKENIZE, UPLOAD = 0, 1, 2


def multipart(fields, files, boundary="octoaiboundary"):
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, ctype) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {ctype}\r\n\r\n").encode()
        parts.append(head + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}".encode()


def test_lifecycle_and_every_endpoint(spawn):
    owner = spawn()
    assert owner.reports("RUNNING") == ["SETUP", "RUNNING"]
    c = owner.connect()
    assert c.call(INFER, {"prompt": "hello", "max_tokens": 3})[:3] == (OUTPUT, 1, 200)
    assert c.call(INFER, {"prompt": "hello", "max_tokens": 3})[4] == b'"leh"'
    assert c.call(INFER, {"prompt": "hello"})[4] == b'"olleh"'
    assert c.call(INFER, {"prompt": "hello", "max_tokens": -1})[4] == b'"lleh"'
    assert c.call(TOKENIZE, {"text": "a b  c"})[4] == b'["a","b","c"]'
    body, ctype = multipart({"label": "x"}, {"file": ("f.bin", b"\x01\x02" * 10, "application/octet-stream")})
    kind, _, status, _, payload = c.call(UPLOAD, body, ctype)
    assert (kind, status) == (OUTPUT, 200)
    assert json.loads(payload) == {"size": 20, "head_hex": "0102010201020102", "label": "x", "filename": "f.bin"}
    kind, _, status, _, payload = c.call(INFER, {"prompt": 5})
    assert (kind, status) == (COMPLETE, 422)
    headers, body = complete_parts(payload)
    assert headers == [["content-type", "application/json"]]
    assert json.loads(body)["detail"][0]["type"] == "string_type"


def test_boom_is_500_then_still_serving(spawn):
    owner = spawn().running()
    c = owner.connect()
    kind, _, status, _, payload = c.call(INFER, {"prompt": "boom"}, request_id=0xB00)
    assert (kind, status, payload) == (ERROR, 500, b"Internal Server Error")
    assert c.call(INFER, {"prompt": "ok"})[4] == b'"ko"'
    log = owner.log()
    assert "request b00" in log and "ValueError: boom requested" in log and "Traceback" in log


def test_cpu_time_counts_work_not_sleep(spawn):
    c = spawn().running().connect()
    sleep_cpu = c.call(INFER, {"prompt": "sleep:0.3"})[3]
    spin_cpu = c.call(INFER, {"prompt": "spin:0.3"})[3]
    # Bounds loose enough for a shared 2-core machine, where a spin may get half a core.
    assert sleep_cpu < 30e6, sleep_cpu
    # Milliseconds of CPU, not seconds and not the sleep's ~0 (a spin on a saturated box may get a tenth of a core).
    assert 5e6 < spin_cpu < 1000e6, spin_cpu


def test_five_mib_upload(spawn):
    c = spawn().running().connect()
    data = bytes(range(256)) * (5 * 1024 * 4)
    body, ctype = multipart({"label": "big"}, {"file": ("big.bin", data, "application/octet-stream")})
    kind, _, status, _, payload = c.call(UPLOAD, body, ctype)
    assert (kind, status) == (OUTPUT, 200)
    assert json.loads(payload) == {"size": 5 * 1024 * 1024, "head_hex": "0001020304050607", "label": "big", "filename": "big.bin"}


def test_unknown_endpoint_is_500(spawn):
    c = spawn().running().connect()
    assert c.call(9, {"prompt": "x"})[:3] == (ERROR, 1, 500)


def test_a_malformed_frame_closes_only_its_connection(spawn):
    owner = spawn().running()
    bad, good = owner.connect(), owner.connect()
    bad.sock.sendall(b"\x05\x00\x00\x00\x07garbage")
    with pytest.raises(EOFError):
        bad.receive()
    assert good.call(INFER, {"prompt": "ok"})[4] == b'"ko"'


def test_missing_child_config_is_reported(tmp_path):
    import subprocess
    import sys

    from conftest import ECHO_DIR, host_env

    env = host_env()
    env.pop("OCTOAI_CHILD", None)
    done = subprocess.run([sys.executable, "-m", "octoai_fcgi", "serve"], cwd=ECHO_DIR, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and done.stderr.strip().splitlines()[-1].startswith("octoai: serve needs OCTOAI_CHILD")


def test_cancel_drops_a_queued_call(spawn):
    owner = spawn().running()
    busy, cancelled, later = owner.connect(), owner.connect(), owner.connect()
    busy.send(1, INFER, {"prompt": "sleep:0.5"})
    owner.wait_log("request 1 started")
    cancelled.send(2, INFER, {"prompt": "dropped"})
    cancelled.cancel(2)
    owner.wait_log("request 2 dropped before it ran: its client went away")
    later.send(3, INFER, {"prompt": "after"})
    assert busy.receive()[1] == 1
    assert later.receive()[1] == 3
    cancelled.sock.settimeout(0.3)
    with pytest.raises(socket.timeout):
        cancelled.receive()
    assert "request 2 dropped before it ran: its client went away" in owner.log()


def test_closed_connection_drops_its_queued_calls(spawn):
    owner = spawn().running()
    busy, gone = owner.connect(), owner.connect()
    busy.send(1, INFER, {"prompt": "sleep:0.5"})
    owner.wait_log("request 1 started")
    gone.send(7, INFER, {"prompt": "never"})
    owner.wait_log("request 7 queued")
    gone.close()
    assert busy.receive()[1] == 1
    owner.wait_log("request 7 dropped")
    assert "request 7 started" not in owner.log()
    assert "request 7 dropped before it ran: its responder closed the connection" in owner.log()
    assert busy.call(INFER, {"prompt": "ab"}, request_id=2)[4] == b'"ba"'


def test_max_queue_overload_is_immediate(spawn):
    owner = spawn(maxQueue=1).running()
    a, b, c = owner.connect(), owner.connect(), owner.connect()
    a.send(1, INFER, {"prompt": "sleep:0.6"})
    owner.wait_log("request 1 started")
    b.send(2, INFER, {"prompt": "queued"})
    owner.wait_log("request 2 queued")
    started = time.monotonic()
    assert c.call(INFER, {"prompt": "refused"}, request_id=3)[:5] == (ERROR, 3, 503, 0, b"Overloaded")
    assert time.monotonic() - started < 0.45
    assert a.receive()[2] == 200 and b.receive()[2] == 200


def test_call_past_its_deadline_is_504_unrun(spawn):
    owner = spawn().running()
    a, b = owner.connect(), owner.connect()
    a.send(1, INFER, {"prompt": "sleep:0.5"})
    owner.wait_log("request 1 started")
    b.send(2, INFER, {"prompt": "spin:2"}, timeout_ms=200)
    assert b.receive()[:5] == (ERROR, 2, 504, 0, b"Inference timed out")
    assert a.receive()[2] == 200


def test_stuck_call_exits_3(spawn):
    owner = spawn(requestTimeout=0.3).running()
    c = owner.connect()
    started = time.monotonic()
    c.send(1, INFER, {"prompt": "sleep:30"}, timeout_ms=300)
    assert owner.wait(timeout=10) == 3
    assert 2.0 < time.monotonic() - started < 5
    assert "stuck past --request-timeout" in owner.log()


def test_signals_title_and_shutdown(spawn, tmp_path):
    marker = tmp_path / "hooks.txt"
    owner = spawn(cwd=os.path.join(SERVICES, "hooks_service"), env={"HOOKS_MARKER": str(marker)}).running()
    assert marker.read_text().split() == ["on_server_startup", "setup"]
    with open(f"/proc/{owner.proc.pid}/cmdline", "rb") as f:
        assert f.read().rstrip(b"\0") == b"octoai: model-owner"
    with open(f"/proc/{owner.proc.pid}/comm") as f:
        assert f.read().strip() == "octoai: model-o"
    ps = subprocess.run(["ps", "-o", "args=", "-p", str(owner.proc.pid)], capture_output=True, text=True, timeout=10)
    assert ps.stdout.strip() == "octoai: model-owner"
    assert HOST_DIR not in (tmp_path / "hooks.txt.env").read_text()  # what a subprocess of the service inherits
    c = owner.connect()
    for sig in (signal.SIGINT, signal.SIGHUP):
        owner.proc.send_signal(sig)
    assert c.call(INFER, {"text": "still here"})[4] == b'"still here"'
    c.send(2, INFER, {"text": "sleep"})
    owner.wait_log("request 2 started")
    owner.proc.send_signal(signal.SIGTERM)
    assert c.receive()[:3] == (OUTPUT, 2, 200)
    assert owner.wait() == 0
    assert marker.read_text().split() == ["on_server_startup", "setup", "on_server_shutdown"]
    assert not os.path.exists(owner.socket_path)


def test_lifeline_eof_exits(spawn):
    owner = spawn().running()
    os.close(owner.life_w)
    assert owner.wait(timeout=10) == 0


def test_setup_failure_is_reported(spawn):
    owner = spawn(env={"SETUP_FAIL": "1"})
    lines = owner.reports("FAILED")
    assert lines[0] == "SETUP"
    assert lines[-1] == "FAILED RuntimeError: setup failed on purpose (SETUP_FAIL=1)"
    assert owner.wait() == 1


def test_import_error_is_reported_before_setup(spawn, tmp_path):
    owner = spawn(cwd=os.path.join(SERVICES, "bad_services"), module="import_error")
    lines = owner.reports("FAILED")
    assert lines == ["FAILED importing module 'import_error' failed: ModuleNotFoundError: No module named 'no_such_dependency'"]
    assert owner.wait() == 1


def test_a_first_owner_describes_then_serves(spawn, tmp_path):
    description, inputs = str(tmp_path / "description.json"), str(tmp_path / "inputs.json")
    owner = spawn(env={"OCTOAI_DESCRIBE_TO": description, "OCTOAI_DESCRIBE_INPUTS": inputs})
    assert owner.reports("RUNNING") == ["DESCRIBED", "SETUP", "RUNNING"]
    with open(description) as f:
        described = json.load(f)
    assert described["service_class"] == "EchoService" and described["endpoints"][0]["path"] == "/infer"
    with open(inputs) as f:
        assert any(path.endswith("service.py") for path, _, _ in json.load(f))
    assert owner.connect().call(INFER, {"prompt": "hello"})[4] == b'"olleh"'
    with open(f"/proc/{owner.proc.pid}/environ", "rb") as f:
        assert b"HUGGINGFACE_HUB_CACHE" not in f.read()  # it stores no assets: it did not run itself again


def test_a_first_owner_of_a_service_that_stores_assets_runs_again_with_the_volume_variables(spawn, tmp_path):
    description = str(tmp_path / "description.json")
    owner = spawn(service_class="EchoServiceWithAssets", env={"OCTOAI_DESCRIBE_TO": description, "OCTOAI_VOLUME_PATH": "/vol"})
    assert owner.reports("RUNNING") == ["DESCRIBED", "SETUP", "RUNNING"]
    with open(f"/proc/{owner.proc.pid}/environ", "rb") as f:
        environment = f.read().split(b"\0")
    assert b"HUGGINGFACE_HUB_CACHE=/vol/huggingface_hub_cache" in environment
    assert not any(v.startswith(b"OCTOAI_DESCRIBE_TO=") for v in environment)
    assert owner.connect().call(INFER, {"prompt": "abc"})[4] == b'"cba"'


def test_an_owner_whose_endpoints_changed_since_they_were_described_refuses_to_start(spawn, tmp_path):
    served = [{"path": "/infer", "method": "infer", "form": False}, {"path": "/tokenize", "method": "tokenize", "form": False},
              {"path": "/upload", "method": "infer_form_data", "form": True}]
    host = tmp_path / "host"
    host.mkdir()
    (host / "description.json").write_text(json.dumps({"endpoints": served}))
    assert spawn(python={"hostDirectory": str(host)}).reports("RUNNING")[-1] == "RUNNING"
    (host / "description.json").write_text(json.dumps({"endpoints": served[:1] + served[2:]}))
    owner = spawn(python={"hostDirectory": str(host)})
    assert owner.reports("FAILED") == ["FAILED the service's endpoints changed since octoai started (/infer, /upload -> "
                                       "/infer, /tokenize, /upload): start octoai again to serve them"]
    assert owner.wait() == 1


def test_refused_output_is_500_with_reason_in_log(spawn):
    owner = spawn(cwd=os.path.join(SERVICES, "bad_services"), module="wrong_output").running()
    c = owner.connect()
    kind, _, status, _, payload = c.call(INFER, {"n": 2}, request_id=5)
    assert (kind, status, payload) == (ERROR, 500, b"Internal Server Error")
    assert "request 5: WrongOutput.infer() returned a value its return annotation refuses" in owner.log()


def test_batching_groups_calls_that_queue_together(spawn):
    owner = spawn(cwd=os.path.join(SERVICES, "batch_service"), maxBatchSize=8, maxBatchDelayMilliseconds=50).running()
    clients = [owner.connect() for _ in range(6)]
    clients[0].send(0, INFER, {"text": "sleep"})
    owner.wait_log("request 0 started")
    clients[1].send(1, INFER, {"text": 3})
    for i, c in enumerate(clients[2:], 2):
        c.send(i, INFER, {"text": f"t{i}"})
    assert json.loads(clients[0].receive()[4]) == {"text": "sleep", "batch": 1}
    assert clients[1].receive()[2] == 422
    answers = [json.loads(c.receive()[4]) for c in clients[2:]]
    assert answers == [{"text": f"t{i}", "batch": 4} for i in range(2, 6)]


@pytest.mark.parametrize("poison,status", [("boom", 500), ("short", 500), ("teapot", 418)])
def test_a_failing_batch_answers_every_call_alike(spawn, poison, status):
    owner = spawn(cwd=os.path.join(SERVICES, "batch_service"), maxBatchSize=8).running()
    clients = [owner.connect() for _ in range(4)]
    clients[0].send(0, INFER, {"text": "sleep"})
    owner.wait_log("request 0 started")
    for i, text in enumerate(["a", poison, "b"], 1):
        clients[i].send(i, INFER, {"text": text})
    assert clients[0].receive()[2] == 200
    answers = [c.receive() for c in clients[1:]]
    assert [a[2] for a in answers] == [status] * 3
    if status == 418:
        headers, body = complete_parts(answers[0][4])
        assert (headers, body) == ([["x-batch", "3"], ["content-type", "application/json"]], b'{"detail":"short and stout"}')
    assert clients[1].call(INFER, {"text": "alone"}, request_id=9)[4] == b'{"text":"alone","batch":1}'


def test_declared_concurrency_caps_model_concurrency(spawn):
    owner = spawn(cwd=os.path.join(SERVICES, "batch_service"), modelConcurrency=4).running()
    clients = [owner.connect() for _ in range(3)]
    started = time.monotonic()
    for i, c in enumerate(clients):
        c.send(i, INFER, {"text": "sleep"})
    for c in clients:
        assert c.receive()[2] == 200
    assert 0.55 < time.monotonic() - started < 2.5  # two at a time: 0.3 s + 0.3 s
    assert "running 2 calls at once, not 4" in owner.log()
