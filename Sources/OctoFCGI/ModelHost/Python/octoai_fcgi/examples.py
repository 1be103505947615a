"""An example input for each JSON endpoint, one its own model accepts.

``/docs`` and the usage examples show it (issue 15: every example shown must
work). It is derived from the JSON schema (defaults where there are some, then
a value per type within the stated bounds, the first enum member or union
branch that works), and kept only if the service's ``Input`` model validates it:
a custom validator may refuse what the schema allows, and then no example is
better than a wrong one.
"""
import json
import re

_REF = "#/components/schemas/"
_MAX_DEPTH = 8


def derive(schema: dict, components: dict, model):
    try:
        candidate = _value(schema, components, 0)
        json.dumps(candidate)
        model.model_validate(candidate)
    except Exception:
        return None
    return candidate


def _value(schema: dict, components: dict, depth: int):
    if depth > _MAX_DEPTH:
        raise ValueError("too deep")
    if "$ref" in schema:
        return _value(components[schema["$ref"][len(_REF):]], components, depth + 1)
    if "default" in schema:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "examples" in schema and schema["examples"]:
        return schema["examples"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = sorted(schema[key], key=lambda s: s.get("type") == "null")
            return _value(branches[0], components, depth + 1)
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _value(schema["allOf"][0], components, depth + 1)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", []))
        return {name: _value(sub, components, depth + 1) for name, sub in schema.get("properties", {}).items()
                if name in required or "default" in sub}
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return _number(schema, kind == "integer")
    if kind == "boolean":
        return True
    if kind == "array":
        items = schema.get("prefixItems")
        if items:
            return [_value(s, components, depth + 1) for s in items]
        count = schema.get("minItems", 1)
        if schema.get("maxItems") is not None:
            count = min(count, schema["maxItems"])
        return [_value(schema.get("items", {"type": "string"}), components, depth + 1) for _ in range(count)]
    if kind == "null":
        return None
    return "hello world"


_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z", "date": "2024-01-01", "time": "12:00:00", "duration": "PT1S",
    "uuid": "12345678-1234-5678-1234-567812345678", "email": "user@example.com", "uri": "https://example.com/",
    "ipv4": "127.0.0.1", "ipv6": "::1",
}


def _string(schema: dict) -> str:
    if schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    pattern = schema.get("pattern")
    for text in ("hello world", "hello", "example", "a", "A", "1", "x1", "2024-01-01"):
        text = (text * (low // len(text) + 1))[:max(low, len(text))]
        text = text[:high] if high is not None else text
        if pattern is None or re.search(pattern, text):
            return text
    raise ValueError("no string fits")


def _number(schema: dict, integer: bool):
    """The first of 1, 0, just inside a bound, or the middle, that the bounds (and ``multipleOf``) allow."""
    ge, gt = schema.get("minimum"), schema.get("exclusiveMinimum")
    le, lt = schema.get("maximum"), schema.get("exclusiveMaximum")
    step = schema.get("multipleOf")
    low = ge if ge is not None else gt
    high = le if le is not None else lt
    candidates = [1, 0]
    candidates += [low + (step or 1)] if low is not None else []
    candidates += [high - (step or 1)] if high is not None else []
    candidates += [(low + high) / 2] if low is not None and high is not None else []
    for value in candidates:
        value = int(value) if integer else value
        if step:
            value = type(value)(round(value / step) * step)
        if ((ge is None or value >= ge) and (gt is None or value > gt) and (le is None or value <= le)
                and (lt is None or value < lt)):
            return value
    raise ValueError("no number fits")
