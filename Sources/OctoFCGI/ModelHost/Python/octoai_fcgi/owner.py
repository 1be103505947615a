"""``serve``: the model owner, as ``ModelOwnerProcess.swift`` + ``ModelOwnerServer.swift`` are for Swift.

Threads: one accepts responder connections on the owner socket; one reads each
connection's frames and queues its calls; ``concurrency`` workers run them in
arrival order; a watchdog (with a request timeout) exits the process when a call
is stuck; one reads the lifeline pipe; one waits for the control signals with
``sigwait`` (they arrive blocked in every thread, as the Swift spawner blocks
them). The main thread runs ``on_server_startup()`` and ``setup()`` and then is
worker 0, as the seed's predict loop runs ``setup()`` and every call on one
thread: what ``setup()`` left bound to its thread serves the calls. torch is the
case that made it matter: each thread that runs torch code gets an OpenMP team of
its own, and with more teams than cores libgomp stops spinning between parallel
regions, so a call on another thread ran on about one core (bench/PYTHON_RESULTS.md).
"""
import logging
import os
import signal
import socket
import sys
import threading
import time

from . import answers, ipc, proctitle
from .metrics import Metrics
from .child import Config, report, watch_lifeline
from .batcher import Batcher
from .handlers import Handlers

_LOG = logging.getLogger("octoai.model-owner")
GRACE_SECONDS = 2.0
CONTROL_SIGNALS = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}


class Connection:
    """One responder connection; answers from several workers never interleave on it."""

    def __init__(self, sock):
        self.sock = sock
        self._lock = threading.Lock()

    def send(self, frame: bytes) -> bool:
        """False when the responder has closed the connection (it answers its client itself)."""
        with self._lock:
            try:
                self.sock.sendall(frame)
                return True
            except OSError:
                return False

    def close(self):
        """Closes under the write lock: a worker mid-``sendall`` finishes before the descriptor can be reused."""
        with self._lock:
            self.sock.close()


class InFlight:
    """Calls read and not yet answered or dropped: what a SIGTERM waits for."""

    def __init__(self):
        self._count = 0
        self._cond = threading.Condition()

    def add(self):
        with self._cond:
            self._count += 1

    def done(self, n: int = 1):
        with self._cond:
            self._count -= n
            if self._count <= 0:
                self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self._count <= 0, timeout)


class Job:
    __slots__ = ("connection", "call", "deadline", "in_flight", "enqueued_at")

    def __init__(self, connection, call, in_flight):
        self.connection = connection
        self.call = call
        self.enqueued_at = time.monotonic()
        self.deadline = self.enqueued_at + call.timeout_ms / 1000 if call.timeout_ms else None
        self.in_flight = in_flight
        in_flight.add()

    def reply(self, answer, cpu_ns: int = 0):
        kind, status, payload = answer
        self.connection.send(ipc.encode_response(kind, self.call.id, status, cpu_ns, payload))
        self.in_flight.done()


class Owner:
    def __init__(self, info, config: Config):
        self.handlers = Handlers(info)
        self.config = config
        self.concurrency = max(1, min(config.model_concurrency, info.max_concurrency))
        if config.model_concurrency > self.concurrency:
            _LOG.warning("%s declares _max_concurrency = %d: running %d calls at once, not %d", info.class_name,
                         info.max_concurrency, self.concurrency, config.model_concurrency)
        batching = info.batch is not None and config.max_batch_size > 1
        batchable = not self.handlers.is_stream(0)
        self.queue = Batcher(config.max_batch_size if batching else 1, config.max_batch_delay, self.concurrency,
                             lambda job: batchable and job.call.endpoint == 0)
        self._deadlines = [None] * self.concurrency
        self._deadline_lock = threading.Lock()
        self.in_flight = InFlight()
        self.metrics = Metrics(config.metrics_layout)
        self._listener = None
        self._draining = False

    def listen(self):
        """Binds the owner socket (0600, backlog 512) and starts the accept, worker and watchdog threads."""
        path = self.config.owner_socket
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            listener.bind(path)
        finally:
            os.umask(old)
        os.chmod(path, 0o600)
        listener.listen(512)
        self._listener = listener
        for i in range(1, self.concurrency):  # worker 0 is the main thread (``serve``)
            threading.Thread(target=self._work, name=f"model-{i}", daemon=True).start()
        if self.config.request_timeout > 0:
            threading.Thread(target=self._watch, name="watchdog", daemon=True).start()
        threading.Thread(target=self._accept, args=(listener,), name="accept", daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                sock, _ = listener.accept()
            except InterruptedError:
                continue
            except OSError as e:
                if not self._draining:
                    _LOG.error("model owner accept failed: %s", e)
                return
            threading.Thread(target=self._serve, args=(Connection(sock),), name="reader", daemon=True).start()

    def _serve(self, connection):
        reader = ipc.FrameReader(connection.sock)
        try:
            while True:
                message = reader.read()
                if message is None:
                    break
                if isinstance(message, ipc.Cancel):
                    self._drop("its client went away", lambda j, c=connection, i=message.id: j.connection is c and j.call.id == i)
                    continue
                job = Job(connection, message, self.in_flight)
                if self.queue.push(job, self.config.max_queue):
                    _LOG.debug("request %x queued", message.id)
                else:
                    job.reply(answers.error(503, "Overloaded"))
                self.metrics.queue_depth(len(self.queue))
        except OSError:
            pass
        finally:
            # The responder closed: nobody waits for what this connection still has queued.
            self._drop("its responder closed the connection", lambda j: j.connection is connection)
            self.handlers.thread_done()
            reader.close()
            connection.close()

    def _drop(self, reason, matches):
        dropped = self.queue.remove(matches)
        for job in dropped:
            _LOG.debug("request %x dropped before it ran: %s", job.call.id, reason)
        if dropped:
            self.in_flight.done(len(dropped))
            self.metrics.cancelled(len(dropped))
            self.metrics.queue_depth(len(self.queue))

    def drain(self, timeout: float) -> bool:
        """Stops accepting connections and waits (at most ``timeout``) for the calls already read; False if some still run."""
        try:
            os.unlink(self.config.owner_socket)
        except OSError:
            pass
        self._draining = True
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept thread
        except OSError:
            pass
        self._listener.close()
        if not self.in_flight.wait_idle(timeout):
            _LOG.warning("calls still running after %.0f s of draining; shutting down anyway", timeout)
            return False
        return True

    def _work(self):
        """Runs calls until the queue is closed (the drain is over)."""
        while True:
            batch, slot = self.queue.next_batch()
            if batch is None:
                return
            results = self._run(batch, slot)
            self.queue.finished(slot)
            self._reply(results)

    @staticmethod
    def _reply(results):
        for job, answer, cpu in results:
            job.reply(answer, cpu)

    def _run(self, batch, slot):
        """Answers expired and unknown calls at once, runs the rest; returns ``[(job, answer, cpu)]`` to send."""
        now = time.monotonic()
        runnable = []
        for job in batch:
            if job.deadline is not None and now >= job.deadline:
                job.reply(answers.error(504, "Inference timed out"))
            elif job.call.endpoint >= len(self.handlers):
                _LOG.error("request %x names unknown endpoint %d", job.call.id, job.call.endpoint)
                job.reply(answers.INTERNAL_ERROR)
            else:
                _LOG.debug("request %x started", job.call.id)
                runnable.append(job)
        self.metrics.queue_depth(len(self.queue))
        if not runnable:
            return []
        for job in runnable:
            self.metrics.observe("queueWait", now - job.enqueued_at)
        self.metrics.observe("batchSize", len(runnable))
        deadlines = [j.deadline for j in runnable if j.deadline is not None]
        with self._deadline_lock:
            self._deadlines[slot] = min(deadlines) + GRACE_SECONDS if deadlines else None
        try:
            if len(runnable) == 1:
                c = runnable[0].call
                outcomes = [self.handlers.call(c.endpoint, c.content_type, c.body, c.id, self._emitter(runnable[0], slot))]
            else:
                outcomes = self.handlers.call_batch([(j.call.content_type, j.call.body, j.call.id) for j in runnable])
        except Exception:
            # The method's own errors are answered by calls.run; this is the host failing on a request.
            _LOG.exception("requests %s could not be handled", ",".join(f"{j.call.id:x}" for j in runnable))
            outcomes = [(answers.INTERNAL_ERROR, 0)] * len(runnable)
        finally:
            with self._deadline_lock:
                self._deadlines[slot] = None
            self.metrics.observe("inference", time.monotonic() - now)
        return [(job, answer, cpu) for job, (answer, cpu) in zip(runnable, outcomes)]

    def _emitter(self, job, slot):
        """Sends one stream item of ``job``; the stuck-call deadline restarts with each
        (``--request-timeout`` bounds the gap between items, not the stream)."""
        connection, request_id, timeout = job.connection, job.call.id, self.config.request_timeout

        def emit(payload: bytes) -> bool:
            if timeout > 0:
                with self._deadline_lock:
                    self._deadlines[slot] = time.monotonic() + timeout + GRACE_SECONDS
            return connection.send(ipc.encode_response(answers.ITEM, request_id, 200, 0, payload))

        return emit

    def _await_sigterm(self, service):
        """The signals thread: SIGTERM drains, then closes the queue, so the main thread's worker loop ends and
        ``serve`` runs ``on_server_shutdown()``; when calls still run after ``drainTimeout``, it shuts down itself."""
        while signal.sigwait(CONTROL_SIGNALS) != signal.SIGTERM:
            pass  # SIGINT reaches the whole process group on Ctrl-C; SIGHUP means reload: the supervisor acts on both.
        idle = self.drain(self.config.drain_timeout)
        self.queue.close()
        if not idle:
            _shut_down(service)
            logging.shutdown()
            sys.stdout.flush()
            os._exit(0)

    def _watch(self):
        """Exits (status 3) when a call runs past its timeout plus a grace: the supervisor restarts the owner."""
        while True:
            time.sleep(0.1)
            now = time.monotonic()
            with self._deadline_lock:
                stuck = any(d is not None and now > d for d in self._deadlines)
            if stuck:
                _LOG.error("an inference call is stuck past --request-timeout plus %d s; exiting so the supervisor "
                           "restarts the model owner", GRACE_SECONDS)
                sys.stderr.flush()
                os._exit(3)


def serve(load_service) -> int:
    """The whole model-owner life; ``load_service()`` imports and describes the service."""
    signal.pthread_sigmask(signal.SIG_BLOCK, CONTROL_SIGNALS)
    proctitle.set_title("octoai: model-owner")
    watch_lifeline()
    config = Config.from_environment()
    info = load_service()
    _describe_or_check(info, config)
    service = info.service
    try:
        _LOG.info("lifecycle: on_server_startup")
        service.on_server_startup()
        report("SETUP")
        service.setup()
        owner = Owner(info, config)
        owner.listen()
    except BaseException as e:
        message = " ".join(f"{type(e).__name__}: {e}".split())
        _LOG.error("setup failed: %s", message, exc_info=True)
        report(f"FAILED {message}")
        return 1
    report("RUNNING")
    _LOG.info("model owner running %s (%d endpoints, %d at once%s) on %s", info.class_name, len(owner.handlers),
              owner.concurrency, ", batching" if owner.queue.max_size > 1 else "", config.owner_socket)
    threading.Thread(target=owner._await_sigterm, args=(service,), name="signals", daemon=True).start()
    owner._work()  # worker 0 on the thread that ran setup(), until SIGTERM's drain is over
    _shut_down(service)
    return 0


def _describe_or_check(info, config):
    """The first model owner of a service octoai has not described before (README: starting it)
    writes the description the supervisor waits for (any other owner holds the service to the
    description served: :func:`_check_served_endpoints`), so that a first start imports the service
    once, not twice in a row. A service that stores assets must be imported with the volume
    variables set, as the seed sets them before its import; known only now, they are set by
    running this process again (same pid and descriptors) with them."""
    path = os.environ.pop("OCTOAI_DESCRIBE_TO", None)
    inputs = os.environ.pop("OCTOAI_DESCRIBE_INPUTS", None)
    if not path:
        _check_served_endpoints(info, config.description)
        return
    from . import schema

    schema.write_description(info, path)
    if inputs:
        schema.write_inputs(inputs)
    report("DESCRIBED")
    if info.stores_assets:
        from octoai.service import VOLUME_ENVIRONMENT

        if any(os.environ.get(name) != value for name, value in VOLUME_ENVIRONMENT.items()):
            _LOG.debug("running the model owner again with the volume variables set")
            environment = dict(os.environ, **VOLUME_ENVIRONMENT)
            host = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            environment["PYTHONPATH"] = os.pathsep.join(p for p in (host, environment.get("PYTHONPATH")) if p)
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os.execve(sys.executable, [sys.executable, "-m", "octoai_fcgi"] + sys.argv[1:], environment)


def _check_served_endpoints(info, description):
    """An owner started after the service was described (a restart, a reload) must have the endpoints the
    responders route by: a call names its endpoint by its index in that description, so an edit that added,
    removed or renamed one would run the wrong method. Such an owner refuses to start (a reload then leaves
    the serving generation in place) until octoai is started again and describes the service anew."""
    import json

    from . import HostError, schema

    try:
        with open(description, encoding="utf-8") as f:
            served = schema.routing(json.load(f)["endpoints"])
    except (TypeError, OSError, ValueError, KeyError):
        return  # no description to hold it to (the owner run alone)
    now = schema.routing(schema.endpoints(info))
    if now != served:
        raise HostError(f"the service's endpoints changed since octoai started ({', '.join(e[0] for e in served)} -> "
                        f"{', '.join(e[0] for e in now)}): start octoai again to serve them")


_SHUTTING_DOWN = threading.Lock()


def _shut_down(service):
    """``on_server_shutdown()``, once: when calls outlast the drain, the main thread may come back from its call
    while the signals thread shuts down; the second one waits for the first to end the process."""
    if not _SHUTTING_DOWN.acquire(blocking=False):
        threading.Event().wait()
    try:
        _LOG.info("lifecycle: on_server_shutdown")
        service.on_server_shutdown()
    except BaseException as e:
        _LOG.error("on_server_shutdown failed: %s: %s", type(e).__name__, e)
