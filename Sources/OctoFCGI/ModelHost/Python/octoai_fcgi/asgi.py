"""One POST through a FastAPI app in process, over ASGI: no HTTP, no test client.

Used for the form-data endpoint (``form``) and to measure, once, what the
installed FastAPI does with JSON bodies (``fastapi_behaviour``).
"""


def post(app, loop, path: str, content_type: str, body: bytes):
    """Runs the request to the end on ``loop``; returns ``(status, [(name, value), ...], body)``."""
    sent = {"status": 500, "headers": [], "body": []}
    loop.run_until_complete(app(_scope(path, content_type, len(body)), _receiver(body), _sender(sent)))
    headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in sent["headers"]]
    return sent["status"], headers, b"".join(sent["body"])


def _scope(path: str, content_type: str, length: int) -> dict:
    headers = [(b"content-length", str(length).encode())]
    if content_type:
        headers.append((b"content-type", content_type.encode("latin-1")))
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
        "headers": headers, "server": ("octoai", 80), "client": ("127.0.0.1", 0),
    }


def _receiver(body: bytes):
    """The whole body as one message (the one ``bytes`` object the frame reader made), then a disconnect."""
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        return messages.pop() if messages else {"type": "http.disconnect"}

    return receive


def _sender(sent: dict):
    async def send(message):
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]
            sent["headers"] = message.get("headers", [])
        elif message["type"] == "http.response.body":
            sent["body"].append(bytes(message.get("body", b"")))

    return send
