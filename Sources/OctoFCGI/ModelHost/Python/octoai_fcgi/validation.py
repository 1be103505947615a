"""Turn a raw JSON request body into a method's arguments exactly as FastAPI does.

The seed's JSON routes take one body parameter, the ``Input`` model, so FastAPI
(``fastapi.routing.get_request_handler`` + ``request_body_to_args``): reads the
body; parses it with ``json.loads`` only when the content type is JSON (none at
all counts as JSON only in FastAPI versions before ``strict_content_type``);
validates the result in Python mode with ``from_attributes=True``; and prefixes
every error's ``loc`` with ``"body"``. We do the same steps with pydantic
directly (no app, no request object), with the version-dependent details
measured on the installed FastAPI (``fastapi_behaviour``), and render 422 bodies
with FastAPI's own ``jsonable_encoder`` and starlette's ``JSONResponse``: the
differential test in ``Tests/Python`` holds this to the real FastAPI app, byte
for byte.
"""
import email.message
import json
import logging

from fastapi.encoders import jsonable_encoder
from pydantic import ValidationError

from . import answers, fastapi_behaviour

_LOG = logging.getLogger("octoai.model-owner")
EMPTY = object()
"""``parse_body``'s value for an empty body (FastAPI's ``Undefined``): not JSON ``null``."""


class Refused(Exception):
    """The body cannot become arguments: ``answer`` is what the client gets."""

    def __init__(self, answer):
        super().__init__()
        self.answer = answer


def _validation_answer(errors) -> tuple:
    try:
        return answers.json_answer(422, {"detail": jsonable_encoder(errors)})
    except ValueError as e:
        # An error whose input is NaN or infinite (JSON allows neither): FastAPI fails to render it too, a 500.
        _LOG.warning("a 422 answer cannot be encoded (%s): answering 500, as the seed does", e)
        return answers.INTERNAL_ERROR


class _ContentTypes:
    """Whether a Content-Type value makes FastAPI parse the body as JSON (memoised: email parsing is slow)."""

    def __init__(self):
        self._known = {}

    def is_json(self, value: str) -> bool:
        known = self._known.get(value)
        if known is None:
            message = email.message.Message()
            message["content-type"] = value
            subtype = message.get_content_subtype()
            known = message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))
            if len(self._known) < 256:
                self._known[value] = known
        return known


_CONTENT_TYPES = _ContentTypes()


def parse_body(content_type: str, body: bytes, json_without_content_type: bool):
    """The value FastAPI validates: parsed JSON, the raw bytes, or ``EMPTY``."""
    if not body:
        return EMPTY
    try:  # as in FastAPI, whatever fails here, the Content-Type's parsing included, is a 400
        if content_type:
            if not _CONTENT_TYPES.is_json(content_type):
                return body
        elif not json_without_content_type:
            return body
        return json.loads(body)
    except json.JSONDecodeError as e:
        raise Refused(_validation_answer([{
            "type": "json_invalid", "loc": ("body", e.pos), "msg": "JSON decode error", "input": {},
            "ctx": {"error": e.msg},
        }])) from None
    except Exception:
        raise Refused(answers.json_answer(400, {"detail": "There was an error parsing the body"})) from None


class JSONInput:
    """One endpoint's ``Input`` model: body in, keyword arguments (or a Refused 422) out."""

    def __init__(self, model):
        self._validate = model.__pydantic_validator__.validate_python
        self._fastapi = fastapi_behaviour.measure()

    def arguments(self, content_type: str, body: bytes) -> dict:
        value = parse_body(content_type, body, self._fastapi.json_without_content_type)
        if value is EMPTY or (value is None and self._fastapi.null_is_missing):
            raise Refused(_validation_answer([dict(self._fastapi.missing_body_error)]))
        try:
            request = self._validate(value, from_attributes=True)
        except ValidationError as exc:
            errors = [{**e, "loc": ("body",) + tuple(e.get("loc", ()))}
                      for e in exc.errors(include_url=self._fastapi.include_url)]
            raise Refused(_validation_answer(errors)) from None
        return {k: v for k, v in request}
