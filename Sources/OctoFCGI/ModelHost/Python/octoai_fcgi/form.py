"""The form-data endpoint, parsed and validated by FastAPI itself.

Multipart parsing (starlette + python-multipart, both octoai-sdk dependencies),
FastAPI's form-field extraction and its errors (400 for a malformed body, 422
for missing or wrong parts) are too many rules to copy faithfully, and an upload
costs far more than a request through them. So this endpoint alone runs a
one-route FastAPI app whose endpoint has the signature the seed gives it
(``transform_form_data_signature``), driven directly over ASGI on the calling
worker thread's own event loop: no HTTP, no test client. The body is handed over
as the one ``bytes`` object the IPC reader made; starlette spools each file part
to a temporary file (in memory up to 1 MiB), as in the seed. The route's
endpoint calls the service method inside the request, while the ``File`` is
still open, through ``calls.run``.
"""
import asyncio
import contextvars
import threading

from . import answers, asgi, calls

_CALL = contextvars.ContextVar("octoai_fcgi_form_call")


class _Call:
    """One form call's method and what it answered, handed to the route through a context variable."""

    def __init__(self, method, encoder, request_id):
        self.method, self.encoder, self.request_id = method, encoder, request_id
        self.result = None


class FormEndpoint:
    """The form-data endpoint: a one-route FastAPI app per service, an event loop per thread that uses it."""

    def __init__(self, service, endpoint, encoder):
        from fastapi import FastAPI
        from fastapi.responses import Response
        from octoai.service import transform_form_data_signature

        self.path = endpoint.path
        self._method = endpoint.call
        self._encoder = encoder
        self._loops = threading.local()
        done = Response()

        async def infer_form_data(**kwargs):
            call = _CALL.get()
            call.result = calls.run(call.method, kwargs, call.encoder, call.request_id)
            return done

        infer_form_data.__signature__ = transform_form_data_signature(service)
        app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        app.add_api_route(path=endpoint.path, endpoint=infer_form_data, methods=["POST"])
        app.middleware_stack = app.build_middleware_stack()
        self._app = app

    def handle(self, content_type: str, body: bytes, request_id: int):
        """Returns ``(answer, cpu_ns)`` as ``calls.run`` does."""
        loop = getattr(self._loops, "loop", None)
        if loop is None:
            loop = self._loops.loop = asyncio.new_event_loop()
        call = _Call(self._method, self._encoder, request_id)
        token = _CALL.set(call)
        try:
            status, headers, answer_body = asgi.post(self._app, loop, self.path, content_type, body)
        finally:
            _CALL.reset(token)
        if call.result is not None:
            return call.result
        return answers.complete(status, headers, answer_body), 0

    def thread_done(self):
        """Closes the calling thread's event loop (a reader thread whose connection ended)."""
        loop = getattr(self._loops, "loop", None)
        if loop is not None:
            self._loops.loop = None
            loop.close()
