"""``describe``: the service's endpoints and its complete OpenAPI 3.1.0 document.

The document has the shape octoai-fcgi serves for a Swift service
(``OpenAPIGenerator.swift``: fixed routes and components, readable names,
documented 422/500/503), while every input and output schema is pydantic's own
for the seed's models (``inspect_input_types``/``inspect_output_types``): all
of them generated together so nested models get one consistent name each, then
the seed's mangled ``Input``/``Output`` names replaced by ``Input``,
``TokenizeInput``, ``Response``... Each JSON input gets an ``examples`` entry
when one can be derived from its schema that the model itself accepts.
"""
import copy
import inspect
import json
import os
import re

from pydantic.json_schema import models_json_schema

from . import examples
from .fixed_schemas import FIXED_COMPONENTS, HEALTH_OPERATION, ROOT_OPERATION, STREAM_ANALYTICS, operation, stream_operation

_REF = "#/components/schemas/"


def endpoints(info) -> list:
    """The ``endpoints`` of the description: a call's endpoint index is its position here."""
    return [{"path": e.path, "component_prefix": e.component_prefix, "form": e.form, "method": e.method, "stream": e.stream}
            for e in info.endpoints]


def routing(endpoints) -> list:
    """What the responders route by in a list of :func:`endpoints`: path, method, form and stream, in order."""
    return [(e["path"], e["method"], e["form"], e.get("stream", False)) for e in endpoints]


def describe(info) -> dict:
    return {
        "service_class": info.class_name,
        "endpoints": endpoints(info),
        "openapi": openapi(info),
        "stores_assets": info.stores_assets,
        "batching": info.batch is not None,
        "max_concurrency": info.max_concurrency,
        "sdk_version": info.sdk_version,
    }


def write_description(info, path: str):
    """Writes the description to ``path`` whole or not at all (a temporary file, then a rename)."""
    from . import HostError

    document = json.dumps(describe(info), separators=(",", ":"), ensure_ascii=False)
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(document)
        os.replace(tmp, path)
    except OSError as e:
        raise HostError(f"cannot write the description to {path}: {e.strerror}") from e


def write_inputs(path: str):
    """Writes ``[[path, mtime_ns, size], ...]`` of what the description was made from (README: the
    describe cache): every imported module's file and folder, every package folder and every
    ``sys.path`` entry (``-1, -1`` when missing). A folder's mtime changes when a file is added to it
    or removed, so a new module that would shadow one imported here changes the list too."""
    import sys

    names = set()
    for module in list(sys.modules.values()):
        try:  # anything may sit in sys.modules (torch puts objects whose __path__ is not a list there)
            file = getattr(module, "__file__", None)
            if isinstance(file, str):
                names.update((file, os.path.dirname(file)))
            folders = getattr(module, "__path__", None)
            if isinstance(folders, (list, tuple)) or type(folders).__name__ == "_NamespacePath":
                names.update(p for p in folders if isinstance(p, str))
        except Exception:
            return  # cannot tell what it was made from: no list, no cache
    names.update(p or os.getcwd() for p in sys.path if isinstance(p, str))
    # Not our own package: its folder is new on every run, and the cache's key covers its bytes.
    host = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    inputs = []
    for name in sorted(os.path.abspath(n) for n in names):
        if name == host or name.startswith(host + os.sep):
            continue
        try:
            st = os.stat(name)
            inputs.append([name, st.st_mtime_ns, st.st_size])
        except OSError:
            inputs.append([name, -1, -1])
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(inputs, f, separators=(",", ":"), ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        pass  # no list: the description is not cached, nothing else changes


def openapi(info) -> dict:
    models = []
    for e in info.endpoints:
        if not e.form:
            models.append((e.input_model, "validation"))
        models.append((e.output_model, "serialization"))
    keys, top = models_json_schema(models, ref_template=_REF + "{model}")
    defs = dict(top.get("$defs", {}))
    components = {}
    renames = {}
    paths = {"/": {"get": ROOT_OPERATION}, "/healthcheck": {"get": HEALTH_OPERATION}}
    taken = set(FIXED_COMPONENTS)
    for e in info.endpoints:
        taken.update({e.component_prefix + "Input", e.component_prefix + ("Item" if e.stream else "Output"), e.component_prefix + "Response"})
    seed_names = set()
    plan = []
    for e in info.endpoints:
        output_def = _name(keys[(e.output_model, "serialization")])
        seed_names.add(output_def)
        input_name = None
        if not e.form:
            input_def = _name(keys[(e.input_model, "validation")])
            seed_names.add(input_def)
            input_name = e.component_prefix + "Input"
            renames[input_def] = input_name
        plan.append((e, input_name, output_def))
    # The seed's ResponseAnalytics (what its Output models refer to) is replaced by ours;
    # a user type whose name we use gets another.
    for _, _, output_def in plan:
        seed_names.add(_name(defs[output_def]["properties"]["analytics"]))
    for name in list(defs):
        if name not in seed_names and name not in renames and name in taken:
            renames[name] = _free(name, taken)
    for e, input_name, output_def in plan:
        prefix = e.component_prefix
        if e.form:
            body_name = "Body_" + _operation_id(e.path)
            components[body_name] = _form_body(e.call, body_name)
            body_ref = _REF + body_name
        else:
            body_ref = _REF + input_name
        if e.stream:
            item = _output_schema(defs, output_def, prefix, renames, suffix="Item")
            paths[e.path] = {"post": stream_operation(_summary(e.path), _operation_id(e.path), body_ref, item)}
            components["StreamAnalytics"] = copy.deepcopy(STREAM_ANALYTICS)
            continue
        response_name = prefix + "Response"
        components[response_name] = {
            "properties": {"output": _output_schema(defs, output_def, prefix, renames),
                           "analytics": {"$ref": _REF + "ResponseAnalytics"}},
            "required": ["output", "analytics"],
            "title": response_name,
            "type": "object",
        }
        paths[e.path] = {"post": operation(_summary(e.path), _operation_id(e.path), body_ref, e.form, _REF + response_name)}
    for name, schema in defs.items():
        if name in seed_names and name not in renames:
            continue
        new = renames.get(name, name)
        schema = copy.deepcopy(schema)
        if name in renames and schema.get("title") in (name, "Input"):
            schema["title"] = new
        components[new] = schema
    components = _rewrite_refs(components, renames)
    paths = _rewrite_refs(paths, renames)  # a stream's item schema sits in its operation
    for e, input_name, _ in plan:
        if input_name:
            example = examples.derive(components[input_name], components, e.input_model)
            if example is not None:
                components[input_name]["examples"] = [example]
    components.update(copy.deepcopy(FIXED_COMPONENTS))
    return {
        "openapi": "3.1.0",
        "info": {"title": info.class_name, "version": "0.1.0"},
        "paths": paths,
        "components": {"schemas": dict(sorted(components.items()))},
    }


def _output_schema(defs: dict, output_def: str, prefix: str, renames: dict, suffix: str = "Output") -> dict:
    """The ``output`` member of the seed's Output model, without its ``None`` default.

    A model of the endpoint's own (referred to from nowhere else) is renamed
    ``<Prefix>Output`` (a stream's item: ``<Prefix>Item``) in ``renames``; an
    inline schema is titled so.
    """
    output = copy.deepcopy(defs[output_def]["properties"]["output"])
    output.pop("default", None)
    output = _unwrap(output)
    target = output.get("$ref", "")[len(_REF):]
    if target and target in defs and target not in renames and _references(defs, target) == 1:
        renames[target] = prefix + suffix
    elif not target:
        output["title"] = prefix + suffix
    return output


def _name(ref_schema: dict) -> str:
    return _unwrap(ref_schema)["$ref"][len(_REF):]


def _unwrap(schema: dict) -> dict:
    """``{"allOf": [{"$ref": R}], ...}`` (how pydantic < 2.9 writes a reference with a default) as ``{"$ref": R, ...}``."""
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and list(all_of[0]) == ["$ref"] and "$ref" not in schema:
        schema = {k: v for k, v in schema.items() if k != "allOf"}
        schema["$ref"] = all_of[0]["$ref"]
    return schema


def _free(name: str, taken: set) -> str:
    n = 2
    while f"{name}{n}" in taken:
        n += 1
    taken.add(f"{name}{n}")
    return f"{name}{n}"


def _references(defs: dict, target: str) -> int:
    return json.dumps(defs).count(json.dumps(_REF + target))


def _rewrite_refs(value, renames: dict):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "$ref" and isinstance(v, str) and v.startswith(_REF) and v[len(_REF):] in renames:
                v = _REF + renames[v[len(_REF):]]
            out[k] = _rewrite_refs(v, renames)
        return out
    if isinstance(value, list):
        return [_rewrite_refs(v, renames) for v in value]
    return value


def _form_body(method, name: str) -> dict:
    """FastAPI's ``Body_...`` form schema, with file parts as ``format: binary`` (CONTRACT §5)."""
    from octoai.types import File

    properties, required = {}, []
    for param in inspect.signature(method).parameters.values():
        title = param.name.title().replace("_", " ").strip()
        if param.annotation is File:
            properties[param.name] = {"format": "binary", "title": title, "type": "string"}
        elif param.default is inspect.Parameter.empty:
            # FastAPI takes an empty form field as one not sent: a required one is not empty.
            properties[param.name] = {"minLength": 1, "title": title, "type": "string"}
        else:
            properties[param.name] = {"title": title, "type": "string"}
        if param.annotation is str or param.default is inspect.Parameter.empty:
            required.append(param.name)
    return {"properties": properties, "required": required, "title": name, "type": "object"}


def _words(path: str):
    return [w for w in re.split(r"[^0-9A-Za-z]+", path) if w]


def _summary(path: str) -> str:
    return (("_".join(_words(path)) or "root").title().replace("_", " ")).strip()


def _operation_id(path: str) -> str:
    """FastAPI's: ``infer_infer_post``."""
    return ("_".join(_words(path)) or "root") + re.sub(r"\W", "_", path) + "_post"
