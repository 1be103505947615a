"""The host against the seed itself: the same requests, the same status and body.

Each request goes to our model owner through the IPC frames and to the seed's
own app built as ``octoai.server``'s sync mode builds it (``Server(service,
async_enable=False)``, FastAPI in-process through ``TestClient``). Answers must
be equal: a 200's ``output`` byte for byte inside the seed's envelope, a
COMPLETE answer's status, headers and body byte for byte. The one documented
difference (CONTRACT §2, a fix) is a method's plain exception: the seed sends
``text/plain`` "Internal Server Error", we send ``{"detail": "Internal Server Error"}``.
"""
import importlib.util
import itertools
import json
import os
import random

import pytest
from fastapi.testclient import TestClient

from conftest import ECHO_DIR, SERVICES, complete_parts

TYPES_DIR = os.path.join(SERVICES, "types_service")
JSON = b"application/json"
TYPES_PATHS = ["/infer", "/levels", "/misc", "/optional-echo", "/summary", "/documents"]
LEVELS, MISC, OPTIONAL, SUMMARY, DOCUMENTS = 1, 2, 3, 4, 5


def load_seed(directory, name):
    spec = importlib.util.spec_from_file_location(f"seed_{name}", os.path.join(directory, "service.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import octoai.server

    server = octoai.server.Server(getattr(module, name)(), async_enable=False)
    return TestClient(server.app, raise_server_exceptions=False)


def seed_answer(client, path, content_type, body):
    headers = {"content-type": content_type.decode()} if content_type else {}
    r = client.post(path, content=body, headers=headers)
    return r.status_code, {k: v for k, v in r.headers.items() if k not in ("content-length", "octoai_replica_name")}, r.content


def compare(owner_client, seed, paths, cases):
    """Sends every case both ways; returns the differences (empty when equal) and the statuses seen."""
    differences, statuses = [], set()
    for request_id, (endpoint, content_type, body) in enumerate(cases, 1):
        kind, _, status, _, payload = owner_client.call(endpoint, body, content_type, request_id=request_id)
        s_status, s_headers, s_body = seed_answer(seed, paths[endpoint], content_type, body)
        statuses.add(s_status)
        if kind == 0x11:
            same = s_status == 200 and s_body.startswith(b'{"output":' + payload + b',"analytics":')
        elif kind == 0x12:
            same = (status, payload) == (s_status, b"Internal Server Error") == (500, s_body)
        else:
            headers, ours = complete_parts(payload)
            same = (status, dict(headers), ours) == (s_status, s_headers, s_body)
        if not same:
            differences.append({"request": (paths[endpoint], content_type, body[:200]), "ours": (kind, status, payload[:300]),
                                "seed": (s_status, s_headers, s_body[:300])})
    return differences, statuses


def js(value) -> bytes:
    return json.dumps(value).encode()


VALUES = [None, True, False, 0, 1, -1, 3, 7, 11, 1.0, 1.5, -0.0, 2 ** 63, 10 ** 30, -(10 ** 30), 1e308, "", "3", "3.0",
          "abc", "red", "RED", "fast", "true", "1e3", " 5 ", [], [1], ["a"], [True, False], {}, {"x": 1}, [1, "a"],
          ["b", "extra"], ["1", 2]]

SHAPES = [
    {"name": "sq", "points": [{"x": 1}, {"x": 2, "y": 0.5}]},
    {"name": "triangle", "points": [{"x": 1}, {"x": 2}, {"x": 3}]},
    {"name": "triangle", "points": [{"x": 1}]},
    {"name": "toolongname", "points": []},
    {"name": "Bad!", "points": []},
    {"name": "", "points": []},
    {"name": "sq", "points": [{"x": 13}]},
    {"name": "sq", "points": [{"x": -1, "y": 2}]},
    {"name": "sq", "points": [{"x": 1}] * 4},
    {"name": "sq", "points": [{"y": 1}]},
    {"name": "sq", "points": [{"x": "12"}, {"x": 12.5}, {"x": 1e2}]},
    {"name": "sq", "points": "none"},
    {"name": "sq", "points": [], "tags": {"a": "1", "b": "x", "c": 2.0}},
    {"name": 5},
    {"points": []},
    {"name": "gone", "points": []},
    "a shape",
    [],
]

RAW = [b"", b" ", b"{", b'{"count": }', b"[1,2", b"nul", b"{'count': 1}", b'{"count": 1} x', b"\xff\xfe\x00",
       b'{"count": 1,}', b"null", b"[]", b"1", b'"str"', b'{"count": NaN}', b'{"count": Infinity}', b'{"ratio": NaN}',
       b'{"count": 1, "count": 20}', "{\"count\": 2, \"note\": \"h\u00e9\"}".encode("utf-16"), b"[" * 5000,
       b'{"count": 2, "note": "\\ud800"}', b'\xef\xbb\xbf{"count": 2}', b'{"count": 2, "note": "\xc3"}']

CONTENT_TYPES = [b"", b"text/plain", b"application/json; charset=utf-8", b"application/vnd.api+json", b"APPLICATION/JSON",
                 b"application/x-www-form-urlencoded", b"multipart/form-data", b"application/json ; x=1", b";;;",
                 b"application/jsonx", b"application/problem+json"]


def types_cases():
    base = {"count": 3}
    fields = ["count", "ratio", "color", "mode", "value", "note", "shape", "flags", "pair"]
    cases = [(0, JSON, js(base)), (0, JSON, js({})), (0, JSON, js({"count": 7})), (0, JSON, js({"count": 9})),
             (0, JSON, js({"count": 3, "unknown": 1}))]
    cases += [(0, JSON, js({**base, f: v})) for f in fields for v in VALUES]
    cases += [(0, JSON, js({**base, "shape": s})) for s in SHAPES]
    cases += [(0, JSON, js({**base, a: VALUES[i % len(VALUES)], b: VALUES[-1 - i % len(VALUES)]}))
              for i, (a, b) in enumerate(itertools.combinations(fields, 2))]
    cases += [(0, JSON, raw) for raw in RAW]
    cases += [(0, ct, body) for ct in CONTENT_TYPES for body in (js(base), b"{", b"")]
    cases += [(SUMMARY, JSON, js({"shape": s})) for s in SHAPES]
    cases += [(SUMMARY, JSON, js({"shape": SHAPES[0], "color": v})) for v in VALUES]
    cases += [(LEVELS, JSON, js({"levels": v})) for v in VALUES + [[1, 2, 1], [2, "1"], [3], ["low"]]]
    cases += [(LEVELS, JSON, js({"levels": [1], "weights": v})) for v in VALUES]
    cases += [(OPTIONAL, JSON, js({"text": t, "number": n})) for t in (None, "a", "wrong", 5) for n in (None, 1, "x", 2.5)]
    when = "2024-05-06T07:08:09Z"
    misc = {"when": [when, "2024-05-06", "2024-05-06T07:08:09.123+02:00", 1700000000, "1700000000", "yesterday", "2024-13-01", 1e20],
            "ident": ["12345678-1234-5678-1234-567812345678", "123456781234567812345678123456781", "nope"],
            "data": ["aGVsbG8=", "h\u00e9llo", 5],
            "amount": ["1.25", 3, 2.5, "NaN", "1e-3", "x", "Infinity"],
            "numbers": [[3, 1, 2, 1], ["4", 5], [1.0, 2.5], {"a": 1}],
            "frozen": [["b", "a"], [1]],
            "matrix": [[[1, 2.5], [3]], [[1, "x"]], [1]],
            "points": [{"a": {"x": 1}}, {"a": {"x": 13}, "b": {"x": 200}}, {"a": 1}],
            "anything": [None, "object", "summary", {"deep": [1, {"x": None}]}, 1.5],
            "day": ["2024-05-06", "2024-05-06T00:00:00", "2024-05-06T01:00:00", 19000]}
    cases += [(MISC, JSON, js({"when": when, field: v})) for field, vs in misc.items() for v in vs]
    cases += [(MISC, JSON, js({}))]
    cases += random_cases(random.Random(12), 300)
    doc = ("doc", "r\u00e9sum\u00e9.pdf", "application/pdf", b"%PDF-1.4 ...")
    title, note = ("title", None, None, b"t"), ("note", None, None, b"n")
    for parts in ([doc, title, note], [doc, ("title", None, None, b"teapot"), note], [doc, title], [title, note],
                  [("doc", "x.txt", None, b"no content type"), title, note], [doc, ("title", None, None, b""), note],
                  [doc, ("title", None, None, "\u00e9".encode("latin-1")), note], [doc, ("title", "t.txt", "text/plain", b"t"), note],
                  [("doc", None, None, b"a text field"), title, note]):
        cases.append((DOCUMENTS,) + multipart(parts))
    cases += [(DOCUMENTS, ct, body) for ct, body in ((b"application/x-www-form-urlencoded", b"title=t&note=n"), (JSON, js({"title": "t"})))]
    return cases


def random_value(rng, depth=0):
    """A JSON value of any shape, biased to the shapes the fields expect."""
    choice = rng.randrange(9 if depth < 3 else 6)
    if choice == 0:
        return rng.choice([None, True, False])
    if choice == 1:
        return rng.choice([0, 1, 5, 10, 11, -3, 2 ** 64, rng.randint(-10 ** 6, 10 ** 6)])
    if choice == 2:
        return rng.choice([0.5, -1.25, 1e-9, 3.0, rng.uniform(-2, 2)])
    if choice in (3, 4):
        return rng.choice(["", "red", "green", "fast", "slow", "a", "sq", "triangle", "2", "x" * 20, "\u00e9\u4e2d"])
    if choice == 5:
        return rng.choice([[], {}, "low"])
    if choice == 6:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if choice == 7:
        keys = ["x", "y", "name", "points", "tags", "a"]
        return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randrange(4))}
    return {"name": rng.choice(["sq", "triangle", "Bad"]), "points": [{"x": random_value(rng, 2)} for _ in range(rng.randrange(4))]}


def random_cases(rng, count):
    """Bodies of random fields and values for every endpoint: the errors no list above thought of."""
    fields = {0: ["count", "ratio", "color", "mode", "value", "note", "shape", "flags", "pair"], LEVELS: ["levels", "weights"],
              OPTIONAL: ["text", "number"], SUMMARY: ["shape", "color"], MISC: ["when", "numbers", "points", "matrix", "day"]}
    cases = []
    for _ in range(count):
        endpoint = rng.choice(list(fields))
        body = {f: random_value(rng) for f in fields[endpoint] if rng.random() < 0.6}
        cases.append((endpoint, JSON, js(body)))
    return cases


def multipart(parts, boundary="b0undary"):
    out = []
    for name, filename, ctype, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n" + (f"Content-Type: {ctype}\r\n" if ctype else "")
        out.append(head.encode() + b"\r\n" + data + b"\r\n")
    return f"multipart/form-data; boundary={boundary}".encode(), b"".join(out) + f"--{boundary}--\r\n".encode()


def form_cases():
    file_part = ("file", "a.bin", "application/octet-stream", b"\x00\x01payload")
    label = ("label", None, None, b"hello")
    cases = [
        multipart([file_part, label]),
        multipart([label, file_part]),
        multipart([file_part]),
        multipart([label]),
        multipart([]),
        multipart([("file", None, None, b"text not file"), label]),
        multipart([file_part, ("label", "l.txt", "text/plain", b"label as file")]),
        multipart([("file", "", "application/octet-stream", b""), label]),
        multipart([("file", "big.bin", "image/png", os.urandom(3 * 1024 * 1024)), label]),
        multipart([file_part, file_part, label, label]),
        multipart([("file", "\u00e9t\u00e9.txt", "text/plain; charset=utf-8", "h\u00e9".encode()), ("label", None, None, "\u00e9".encode())]),
        (b"multipart/form-data", b"--x\r\n"),
        (b"multipart/form-data; boundary=zzz", b"garbage without boundary"),
        (b"multipart/form-data; boundary=zzz", b"--zzz\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--zzz--\r\n"),
        (b"application/x-www-form-urlencoded", b"label=hello"),
        (b"application/json", b'{"label": "x"}'),
        (b"", b""),
        (b"text/plain", b"file"),
    ]
    return [(2, ct, body) for ct, body in cases]


def test_types_service_matches_the_seed(spawn):
    owner = spawn(cwd=TYPES_DIR).running()
    seed = load_seed(TYPES_DIR, "TypesService")
    cases = types_cases()
    with seed:
        differences, statuses = compare(owner.connect(), seed, TYPES_PATHS, cases)
    assert len(cases) > 900 and statuses == {200, 204, 400, 404, 418, 422, 500}
    assert differences == [], json.dumps(differences[:5], default=repr, indent=1) + owner.log()[-3000:]


def test_echo_service_matches_the_seed(spawn):
    owner = spawn().running()
    os.environ.setdefault("SETUP_SECONDS", "0")
    seed = load_seed(ECHO_DIR, "EchoService")
    cases = form_cases() + [(0, JSON, js({"prompt": p, "max_tokens": m})) for p in ("abc", "", 3, None, "boom") for m in (16, -1, "2", 2.5, None)]
    cases += [(1, JSON, js({"text": t})) for t in ("a b", "", 1, [], None)]
    with seed:
        differences, statuses = compare(owner.connect(), seed, ["/infer", "/tokenize", "/upload"], cases)
    assert statuses == {200, 400, 422, 500}
    assert differences == [], json.dumps(differences[:5], default=repr, indent=1) + owner.log()[-3000:]


@pytest.mark.parametrize("module", ["types_service", "echo"])
def test_every_documented_example_is_accepted(module, tmp_path):
    from conftest import run_host

    directory = TYPES_DIR if module == "types_service" else ECHO_DIR
    out = tmp_path / "d.json"
    assert run_host(["describe", "--output", str(out)], cwd=directory).returncode == 0
    description = json.loads(out.read_text())
    schemas = description["openapi"]["components"]["schemas"]
    seed = load_seed(directory, "TypesService" if module == "types_service" else "EchoService")
    with seed:
        for endpoint in description["endpoints"]:
            if endpoint["form"]:
                continue
            example = schemas[endpoint["component_prefix"] + "Input"].get("examples", [None])[0]
            assert example is not None, endpoint
            status, _, _ = seed_answer(seed, endpoint["path"], JSON, js(example))
            assert status == 200, (endpoint, example)
