"""The answers the host gives a call, as the IPC response kinds carry them.

An answer is ``(kind, status, payload)``:
- ``OUTPUT`` (0x11, status 200): the serialised ``output`` value; the responder
  wraps it in ``{"output": ..., "analytics": ...}``.
- ``ERROR`` (0x12): a plain detail string; the responder answers ``{"detail": ...}``.
- ``COMPLETE`` (0x13): an answer to send as it is: ``u32 headers-JSON length |
  headers JSON ([[name, value], ...]) | body``. 422 bodies and HTTPExceptions
  use it, rendered by starlette's own ``JSONResponse`` so the bytes are the
  seed's bytes.
- ``ITEM`` (0x14): one item of a stream (its JSON); more follow.
- ``END`` (0x15): a stream ended after all its items (the CPU time covers it all).
"""
import json
import struct

from fastapi.utils import is_body_allowed_for_status_code
from starlette.responses import JSONResponse, Response

OUTPUT = 0x11
ERROR = 0x12
COMPLETE = 0x13
ITEM = 0x14
END = 0x15

_U32 = struct.Struct("<I")

INTERNAL_ERROR = (ERROR, 500, b"Internal Server Error")
STREAM_END = (END, 200, b"")
CLIENT_GONE = (ERROR, 499, b"Client closed request")


def error(status: int, detail: str):
    return (ERROR, status, detail.encode("utf-8"))


def complete(status: int, headers, body: bytes):
    """``headers``: (name, value) pairs to send besides Content-Length, which the responder sets."""
    encoded = json.dumps([[n, v] for n, v in headers if n.lower() != "content-length"], separators=(",", ":")).encode()
    return (COMPLETE, status, _U32.pack(len(encoded)) + encoded + body)


def from_response(response) -> tuple:
    """A starlette ``Response`` as a COMPLETE answer."""
    headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in response.raw_headers]
    return complete(response.status_code, headers, bytes(response.body))


def json_answer(status: int, content, headers=None) -> tuple:
    """What FastAPI sends for ``JSONResponse(content, status, headers)``."""
    return from_response(JSONResponse(content, status_code=status, headers=headers))


def http_exception(exc) -> tuple:
    """What FastAPI's ``http_exception_handler`` sends for a starlette/fastapi HTTPException."""
    headers = getattr(exc, "headers", None)
    if not is_body_allowed_for_status_code(exc.status_code):
        return from_response(Response(status_code=exc.status_code, headers=headers))
    return json_answer(exc.status_code, {"detail": exc.detail}, headers)
