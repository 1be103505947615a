"""What the supervisor hands a model-owner child: ``OCTOAI_CHILD``, the lifeline and the report pipe.

Stdlib only, so that even an interpreter without octoai-sdk can report why it
cannot start (``FAILED ...``) instead of just dying.
"""
import json
import os
import threading

LIFELINE_FD = 5
REPORT_FD = 6


class Config:
    """The keys of ``OCTOAI_CHILD`` the host reads; any others are ignored."""

    def __init__(self, raw: dict):
        self.owner_socket = str(raw["ownerSocket"])
        self.model_concurrency = int(raw.get("modelConcurrency", 1))
        self.max_queue = int(raw.get("maxQueue", 0))
        self.request_timeout = float(raw.get("requestTimeout", 0))
        self.max_batch_size = int(raw.get("maxBatchSize", 1))
        # Seconds. ServeConfiguration's flat JSON says milliseconds; the first form of the interface said seconds.
        if "maxBatchDelayMilliseconds" in raw:
            self.max_batch_delay = float(raw["maxBatchDelayMilliseconds"]) / 1000
        else:
            self.max_batch_delay = float(raw.get("maxBatchDelay", 0))
        self.drain_timeout = float(raw.get("drainTimeout", 30))
        # Where the owner's figures go in the shared page (SharedMetricsLayout.swift); absent: not counted.
        self.metrics_layout = raw.get("metricsLayout")
        # The description the responders route by (calls name an endpoint by its index in it).
        host = (raw.get("python") or {}).get("hostDirectory")
        self.description = os.path.join(host, "description.json") if host else None

    @staticmethod
    def from_environment():
        from . import HostError

        try:
            return Config(json.loads(os.environ["OCTOAI_CHILD"]))
        except KeyError as e:
            raise HostError(f"serve needs OCTOAI_CHILD (JSON with {e})") from None
        except (ValueError, TypeError) as e:
            raise HostError(f"OCTOAI_CHILD is not valid: {e}") from None


def report(line: str):
    """One line to the supervisor's report pipe (best effort: the lifeline covers a gone supervisor)."""
    data = (" ".join(line.split()) + "\n").encode("utf-8", "replace")
    try:
        while data:
            data = data[os.write(REPORT_FD, data):]
    except OSError:
        pass


def watch_lifeline():
    """EOF on the lifeline pipe means the supervisor is gone: so are we."""
    try:
        os.fstat(LIFELINE_FD)
    except OSError:
        return

    def wait():
        while True:
            try:
                if not os.read(LIFELINE_FD, 1):
                    os._exit(0)
            except InterruptedError:
                continue
            except OSError:
                os._exit(0)

    threading.Thread(target=wait, name="lifeline", daemon=True).start()
