"""A supervisor stand-in for the Python model-owner host: spawns it as the Swift side will and speaks its frames.

``python -m octoai_fcgi ... serve`` gets ``OCTOAI_CHILD``, the lifeline pipe at fd
5 and the report pipe at fd 6, and SIGTERM/SIGINT/SIGHUP blocked, as
``ProcessSpawner.swift`` hands them over. Every wait has a timeout and every
process is killed at the end of its test.
"""
import fcntl
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HOST_DIR = os.path.join(ROOT, "Sources", "OctoFCGI", "ModelHost", "Python")
sys.path.insert(0, HOST_DIR)
sys.dont_write_bytecode = True  # no __pycache__ inside Sources/ (SwiftPM would see it)

from octoai_fcgi import ipc  # noqa: E402

os.environ.setdefault("SETUP_SECONDS", "0")  # the EchoService the seed's app runs here, too

SERVICES = os.path.join(ROOT, "Tests", "PythonServices")
# The reference EchoService, unchanged, from the shared folder beside the checkout.
ECHO_DIR = os.path.abspath(os.path.join(ROOT, "..", "shared", "python-services", "echo_service"))


def host_env(extra=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = HOST_DIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("SETUP_SECONDS", "0")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra or {})
    return env


def run_host(args, cwd, env=None, timeout=60):
    """One short-lived mode (describe, setup-service, store-assets): the finished process."""
    return subprocess.run([sys.executable, "-m", "octoai_fcgi", *args], cwd=cwd, env=host_env(env),
                          capture_output=True, text=True, timeout=timeout)


def _high(fd):
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


class Owner:
    """One spawned model owner and its pipes."""

    def __init__(self, tmp_path, cwd=ECHO_DIR, module="service", service_class=None, env=None, **config):
        tmp_path.mkdir(parents=True, exist_ok=True)
        # Short: a Unix socket path has at most 107 bytes, pytest's tmp_path can be longer.
        self.socket_path = os.path.join(tempfile.mkdtemp(prefix="octoai-owner-"), "owner.sock")
        child = {"role": "model-owner", "index": 0, "ownerSocket": self.socket_path, "modelConcurrency": 1,
                 "maxQueue": 0, "requestTimeout": 0, "maxBatchSize": 1, "maxBatchDelayMilliseconds": 0, "logLevel": "DEBUG",
                 "someFutureKey": {"ignored": True}}
        child.update(config)
        life_r, self.life_w = (_high(fd) for fd in os.pipe())
        self.report_r, report_w = (_high(fd) for fd in os.pipe())
        self.log_path = str(tmp_path / "owner.log")
        args = [sys.executable, "-m", "octoai_fcgi", "--service-module", module]
        if service_class:
            args += ["--service-class", service_class]

        def preexec():
            os.dup2(life_r, 5)
            os.dup2(report_w, 6)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGHUP})

        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args + ["serve"], cwd=cwd, env=host_env({"OCTOAI_CHILD": json.dumps(child), **(env or {})}),
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=preexec, pass_fds=(5, 6))
        os.close(life_r)
        os.close(report_w)
        self._reports = b""

    def reports(self, until: str, timeout=30.0):
        """Report lines up to and including one starting with ``until`` (or EOF)."""
        deadline = time.monotonic() + timeout
        lines = []
        while True:
            while b"\n" in self._reports:
                line, self._reports = self._reports.split(b"\n", 1)
                lines.append(line.decode())
                if line.decode().startswith(until):
                    return lines
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {until} report in {timeout}s: {lines}; log:\n{self.log()}"
            ready, _, _ = select.select([self.report_r], [], [], remaining)
            if ready:
                data = os.read(self.report_r, 4096)
                if not data:
                    return lines
                self._reports += data

    def running(self):
        lines = self.reports("RUNNING")
        assert lines[-1:] == ["RUNNING"], f"{lines}\n{self.log()}"
        return self

    def connect(self, timeout=30.0):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(self.socket_path)
        return Client(sock)

    def wait(self, timeout=20.0):
        return self.proc.wait(timeout=timeout)

    def wait_log(self, text: str, timeout=10.0):
        """Waits until the owner's log says ``text`` (a call started, was dropped...)."""
        deadline = time.monotonic() + timeout
        while text not in self.log():
            assert time.monotonic() < deadline, f"log never said {text!r}:\n{self.log()}"
            time.sleep(0.01)

    def log(self) -> str:
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for fd in (self.life_w, self.report_r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(os.path.dirname(self.socket_path), ignore_errors=True)


class Client:
    """One responder connection."""

    def __init__(self, sock):
        self.sock = sock
        self._buffer = b""

    def send(self, request_id, endpoint, body, content_type=b"application/json", timeout_ms=0):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.sock.sendall(ipc.encode_call(request_id, endpoint, timeout_ms, content_type, body))

    def cancel(self, request_id):
        self.sock.sendall(ipc.encode_cancel(request_id))

    def receive(self):
        """``(kind, id, status, cpu_ns, payload)``; raises socket.timeout when none comes in time."""
        while True:
            if len(self._buffer) >= 4:
                length = int.from_bytes(self._buffer[:4], "little")
                if len(self._buffer) >= 4 + length:
                    frame, self._buffer = self._buffer[:4 + length], self._buffer[4 + length:]
                    return ipc.decode_response(frame)
            data = self.sock.recv(1 << 20)
            if not data:
                raise EOFError("owner closed the connection")
            self._buffer += data

    def call(self, endpoint, body, content_type=b"application/json", request_id=1, timeout_ms=0):
        self.send(request_id, endpoint, body, content_type, timeout_ms)
        answer = self.receive()
        assert answer[1] == request_id
        return answer

    def close(self):
        self.sock.close()


@pytest.fixture
def spawn(tmp_path):
    owners = []

    def start(**kwargs):
        owner = Owner(tmp_path / f"owner{len(owners)}", **kwargs)
        owners.append(owner)
        return owner

    yield start
    for owner in owners:
        owner.close()


def complete_parts(payload: bytes):
    """A COMPLETE (0x13) payload's headers and body."""
    n = int.from_bytes(payload[:4], "little")
    return json.loads(payload[4:4 + n]), payload[4 + n:]
