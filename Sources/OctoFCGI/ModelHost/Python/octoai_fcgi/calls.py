"""Run one call of a service method and turn what happens into an answer.

The seed's sync mode calls the method with the validated arguments and
serialises ``Output(output=result, analytics=...).model_dump_json()``; an
``HTTPException`` goes to FastAPI's handler, anything else is a 500. We build
the same ``Output`` model (so the annotation validates and serialises the
result exactly as there) and send only its ``output`` member: the responder
adds ``analytics``.
"""
import logging
import time
import traceback

from starlette.exceptions import HTTPException

from . import answers

_LOG = logging.getLogger("octoai.model-owner")
_PREFIX = len(b'{"output":')


class OutputEncoder:
    """The seed's ``Output`` model of one endpoint, used for its ``output`` member only."""

    def __init__(self, model):
        self._model = model

    def encode(self, value) -> bytes:
        return self._model(output=value).model_dump_json(include={"output"}).encode()[_PREFIX:-1]


def run(method, kwargs: dict, encoder: OutputEncoder, request_id: int):
    """Calls ``method(**kwargs)``; returns ``(answer, cpu_ns)``. CPU is the whole process's, all threads."""
    start = time.process_time_ns()
    try:
        result = method(**kwargs)
    except HTTPException as exc:
        return _http_answer(exc, request_id), time.process_time_ns() - start
    except BaseException:
        cpu = time.process_time_ns() - start
        _LOG.error("request %x: %s raised:\n%s", request_id, _name(method), traceback.format_exc().rstrip())
        return answers.INTERNAL_ERROR, cpu
    cpu = time.process_time_ns() - start
    return encode(result, encoder, method, request_id), cpu


def run_stream(method, kwargs: dict, encoder: OutputEncoder, request_id: int, emit):
    """Calls a streaming ``method(**kwargs)`` and sends each item it yields through
    ``emit`` (False back: nobody reads any more; the generator is closed, so it
    sees ``GeneratorExit`` at its ``yield``). Returns the stream's last answer and its CPU time."""
    start = time.process_time_ns()
    items = None
    try:
        items = iter(method(**kwargs))
        for item in items:
            try:
                payload = encoder.encode(item)
            except Exception as e:
                _LOG.error("request %x: %s yielded a value its item annotation refuses: %s", request_id, _name(method),
                           " ".join(str(e).split()))
                _close(items)
                return answers.INTERNAL_ERROR, time.process_time_ns() - start
            if not emit(payload):
                _close(items)
                _LOG.debug("request %x stopped: its client went away", request_id)
                return answers.CLIENT_GONE, time.process_time_ns() - start
    except HTTPException as exc:
        return _http_answer(exc, request_id), time.process_time_ns() - start
    except BaseException:
        cpu = time.process_time_ns() - start
        _LOG.error("request %x: %s raised:\n%s", request_id, _name(method), traceback.format_exc().rstrip())
        return answers.INTERNAL_ERROR, cpu
    return answers.STREAM_END, time.process_time_ns() - start


def _close(items):
    close = getattr(items, "close", None)
    if close is not None:
        try:
            close()
        except Exception:
            _LOG.exception("closing a stream's generator failed")


def encode(result, encoder: OutputEncoder, method, request_id: int):
    """The OUTPUT answer for ``result``, or a 500 when its annotation refuses it."""
    try:
        return (answers.OUTPUT, 200, encoder.encode(result))
    except Exception as e:
        _LOG.error("request %x: %s returned a value its return annotation refuses: %s", request_id, _name(method),
                   " ".join(str(e).split()))
        return answers.INTERNAL_ERROR


def _http_answer(exc, request_id: int):
    try:
        return answers.http_exception(exc)
    except Exception as e:
        _LOG.error("request %x: HTTPException(%s) cannot be sent: %s", request_id, exc.status_code, e)
        return answers.INTERNAL_ERROR


def _name(method) -> str:
    return getattr(method, "__qualname__", getattr(method, "__name__", "the method")) + "()"


def run_batch(hook, items: list, encoder: OutputEncoder, request_ids: list):
    """Calls ``hook([kwargs, ...])`` once; returns one answer per item and the CPU each is charged (an equal share)."""
    start = time.process_time_ns()
    try:
        results = list(hook(items))
        if len(results) != len(items):
            raise ValueError(f"_infer_batch returned {len(results)} outputs for {len(items)} inputs")
    except HTTPException as exc:
        share = (time.process_time_ns() - start) // len(items)
        answer = _http_answer(exc, request_ids[0])
        return [answer] * len(items), share
    except BaseException:
        share = (time.process_time_ns() - start) // len(items)
        _LOG.error("requests %s: %s raised:\n%s", ",".join(f"{i:x}" for i in request_ids), _name(hook),
                   traceback.format_exc().rstrip())
        return [answers.INTERNAL_ERROR] * len(items), share
    share = (time.process_time_ns() - start) // len(items)
    return [encode(r, encoder, hook, i) for r, i in zip(results, request_ids)], share
