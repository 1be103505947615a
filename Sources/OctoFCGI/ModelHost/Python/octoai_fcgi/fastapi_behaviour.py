"""What the installed FastAPI does with a JSON body, measured once on a one-route app of its own.

octoai-sdk 0.10.1 accepts any FastAPI from 0.100 on, and versions differ in
details a 422 body shows: whether errors carry pydantic's ``url``, whether a
body without a Content-Type is parsed as JSON (``strict_content_type``, new in
0.12x), the exact error for an empty body, and whether a JSON ``null`` body
counts as missing (it did before 0.11x). Rather than guess from version
numbers, four requests through a throwaway app answer those questions with
the real thing; ``validation`` then does the same with pydantic directly.
"""
import asyncio
import json
from functools import lru_cache

from . import asgi


class Behaviour:
    def __init__(self, include_url: bool, json_without_content_type: bool, missing_body_error: dict, null_is_missing: bool):
        self.include_url = include_url
        self.json_without_content_type = json_without_content_type
        self.missing_body_error = missing_body_error
        self.null_is_missing = null_is_missing


@lru_cache(maxsize=1)
def measure() -> Behaviour:
    from fastapi import FastAPI
    from pydantic import create_model

    probe_model = create_model("Probe", a=(int, ...))
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    async def probe(body: probe_model):  # type: ignore[valid-type]
        return {}

    app.add_api_route("/probe", probe, methods=["POST"])
    loop = asyncio.new_event_loop()
    try:
        _, _, invalid = asgi.post(app, loop, "/probe", "application/json", b'{"a": "x"}')
        untyped, _, _ = asgi.post(app, loop, "/probe", "", b'{"a": 1}')
        _, _, empty = asgi.post(app, loop, "/probe", "application/json", b"")
        _, _, null = asgi.post(app, loop, "/probe", "application/json", b"null")
    finally:
        loop.close()
    return Behaviour(
        include_url="url" in json.loads(invalid)["detail"][0],
        json_without_content_type=untyped == 200,
        missing_body_error=json.loads(empty)["detail"][0],
        null_is_missing=json.loads(null)["detail"][0]["type"] == "missing",
    )
