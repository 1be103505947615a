"""Import the user's module and find its service and endpoints as octoai-sdk does.

Everything here follows ``octoai.server.load_service`` and ``Server.__init__``
(octoai-sdk 0.10.1) so that the same file serves the same endpoints with the
same models; the seed's own helpers build the pydantic models, and the seed's
own ``Server`` is constructed once so that whatever it refuses, we refuse too.
"""
import importlib
import importlib.metadata
import importlib.util
import inspect
import logging
import os
import re
import sys
from dataclasses import dataclass
from typing import Any, Callable, List, Optional

from . import HostError, streaming

_LOG = logging.getLogger("octoai.model-owner")

SUPPORTED_SDK = "0.10."


@dataclass
class Endpoint:
    """One POST route: where it is, which method answers it, and its models."""

    path: str
    method: str
    call: Callable[..., Any]
    form: bool
    component_prefix: str
    input_model: Optional[type]
    output_model: type
    # A generator (or a method annotated to return an Iterator): its answer is a
    # stream of items, and ``output_model`` is the seed's Output model of one item.
    stream: bool = False


@dataclass
class ServiceInfo:
    """The loaded service and what the supervisor and responders need to know of it."""

    service: Any
    class_name: str
    endpoints: List[Endpoint]
    stores_assets: bool
    batch: Optional[Callable[[list], list]]
    max_concurrency: int
    sdk_version: str


def require_sdk() -> str:
    """Import octoai-sdk 0.10.x or fail with how to install it; returns its version."""
    install = f"install it with: {sys.executable} -m pip install octoai-sdk==0.10.1"
    try:
        version = importlib.metadata.version("octoai-sdk")
    except importlib.metadata.PackageNotFoundError:
        raise HostError(f"{sys.executable} has no octoai-sdk; {install}") from None
    if not version.startswith(SUPPORTED_SDK):
        raise HostError(f"{sys.executable} has octoai-sdk {version}, octoai-fcgi serves 0.10.x; {install}")
    try:
        import octoai.server  # noqa: F401  (the seed's server: its refusals are ours)
    except Exception as e:
        raise HostError(f"octoai-sdk {version} fails to import in {sys.executable}: {_one_line(e)}; {install}") from e
    return version


def import_module(spec: str):
    """Imports ``spec`` as the seed does (a module name, the cwd on sys.path), or a ``.py`` path."""
    cwd = os.getcwd()
    if cwd not in sys.path and "" not in sys.path:
        sys.path.insert(0, cwd)
    try:
        if spec.endswith(".py") or os.sep in spec:
            path = os.path.abspath(spec)
            if not os.path.isfile(path):
                raise HostError(f"service file {spec} not found")
            name = os.path.splitext(os.path.basename(path))[0]
            sys.path.insert(0, os.path.dirname(path))
            loader_spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(loader_spec)
            sys.modules[name] = module
            loader_spec.loader.exec_module(module)
            return module
        return importlib.import_module(spec)
    except HostError:
        raise
    except ModuleNotFoundError as e:
        if e.name == spec or (e.name and spec.startswith(e.name + ".")):
            hint = " Ensure your service is defined in service.py." if spec == "service" else ""
            raise HostError(f"module '{spec}' not found in {cwd}.{hint}") from e
        raise HostError(f"importing module '{spec}' failed: {_one_line(e)}") from e
    except BaseException as e:
        raise HostError(f"importing module '{spec}' failed: {_one_line(e)}{_where(e)}") from e


def find_class(module, module_name: str, class_name: Optional[str]):
    """The seed's rule: the named class, else the last (in name order) whose direct base is Service.

    Returns it and the module's service classes."""
    candidates = [
        name
        for name, cls in inspect.getmembers(module, inspect.isclass)
        if any(b.__module__ == "octoai.service" and b.__name__ == "Service" for b in cls.__bases__)
    ]
    if class_name is not None:
        cls = getattr(module, class_name, None)
        if not inspect.isclass(cls):
            known = ", ".join(candidates) or "none"
            raise HostError(f"module '{module_name}' has no class '{class_name}' (service classes there: {known})")
        return cls, candidates
    if not candidates:
        raise HostError(f"module '{module_name}' contains no classes extending base 'octoai.service.Service'")
    return getattr(module, candidates[-1]), candidates


def component_prefix(path: str) -> str:
    """`/tokenize` -> `Tokenize`, `/embed-text` -> `EmbedText` (as the Swift side names components)."""
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^0-9A-Za-z]+", path) if w)


def load(module_name: str, class_name: Optional[str]) -> ServiceInfo:
    """Imports, instantiates and describes the service; raises HostError for anything the seed refuses."""
    version = require_sdk()
    import octoai.server as seed_server
    from octoai.service import (STORE_ASSETS_NOT_OVERRIDDEN, find_additional_endpoints, implements_form_data,
                                inspect_input_types, inspect_output_types)

    module = import_module(module_name)
    cls, candidates = find_class(module, module_name, class_name)
    try:
        service = cls()
    except BaseException as e:
        raise HostError(f"{cls.__name__}() failed: {_one_line(e)}{_where(e)}") from e
    streams = streaming.items_of(service)
    seed_view = streaming.seed_view(service, streams)
    try:
        seed_server.Server(seed_view, async_enable=False)
    except BaseException as e:
        raise HostError(f"{cls.__name__} cannot be served by octoai-sdk: {_one_line(e)}") from e

    # Said once the service is known to be servable: an error stays the only line on stderr.
    if class_name is None and len(candidates) > 1:
        _LOG.info("module '%s' has several service classes (%s): %s, as octoai-sdk picks (--service-class picks another)",
                  module_name, ", ".join(candidates), cls.__name__)
    endpoints = [Endpoint("/infer", "infer", service.infer, False, "", inspect_input_types(service.infer),
                          inspect_output_types(seed_view.infer), "infer" in streams)]
    for name, (method, path) in find_additional_endpoints(service).items():
        path = path or f"/{name}".replace("_", "-")
        endpoints.append(Endpoint(path, name, method, False, component_prefix(path), inspect_input_types(method),
                                  inspect_output_types(getattr(seed_view, name)), name in streams))
    if implements_form_data(service):
        method = service.infer_form_data
        endpoints.append(Endpoint(method.__path__, "infer_form_data", method, True, component_prefix(method.__path__),
                                  None, inspect_output_types(method)))
    return ServiceInfo(
        service=service,
        class_name=cls.__name__,
        endpoints=endpoints,
        stores_assets=not hasattr(service.store_assets, STORE_ASSETS_NOT_OVERRIDDEN),
        batch=_batch_hook(service),
        max_concurrency=_max_concurrency(service),
        sdk_version=version,
    )


def _batch_hook(service) -> Optional[Callable[[list], list]]:
    """``_infer_batch(self, inputs: list[dict]) -> list``: private, so the seed never serves it."""
    hook = getattr(service, "_infer_batch", None)
    if hook is None:
        return None
    if not callable(hook):
        raise HostError(f"{type(service).__name__}._infer_batch must be a method taking a list of infer() inputs")
    return hook


def _max_concurrency(service) -> int:
    """``_max_concurrency = N``: the service is safe for N calls at once (default 1)."""
    value = getattr(service, "_max_concurrency", 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise HostError(f"{type(service).__name__}._max_concurrency must be a positive int, not {value!r}")
    return value


def _one_line(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    return " ".join(text.split())


def _where(e: BaseException) -> str:
    """` (service.py:12)`: the innermost frame of the user's code, to find the line at once."""
    tb = e.__traceback__
    where = ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.startswith("<") and "importlib" not in filename and os.path.dirname(__file__) not in filename:
            where = f" ({os.path.relpath(filename)}:{tb.tb_lineno})"
        tb = tb.tb_next
    if isinstance(e, SyntaxError) and e.filename:
        where = f" ({os.path.relpath(e.filename)}:{e.lineno})"
    return where

