"""Streaming endpoints: a service method that is a generator, or is annotated to
return an ``Iterator``/``Generator``/``Iterable`` of items, answers with a stream
(CONTRACT §8), one ``data:`` event per item it yields.

octoai-sdk itself cannot build a model for ``Iterator[Token]`` (its ``Output``
needs a serialisable ``output``), so the seed's ``Server`` is shown a view of the
service in which each streaming method returns one item instead: whatever the seed
refuses in the rest of the signature, we refuse, and the item's ``Output`` model
is what serialises (and documents) each item, exactly as a plain method's output.
"""
import collections.abc
import inspect
import typing

_STREAM_TYPES = (collections.abc.Iterator, collections.abc.Generator, collections.abc.Iterable)


def item_type(method):
    """The item type of a streaming method (``typing.Any`` when unannotated); None for any other method."""
    try:
        annotation = inspect.signature(method).return_annotation
    except (TypeError, ValueError):
        return None
    origin = typing.get_origin(annotation)
    if origin in _STREAM_TYPES or annotation in _STREAM_TYPES:
        args = typing.get_args(annotation)
        return args[0] if args else typing.Any
    if inspect.isgeneratorfunction(inspect.unwrap(method)):
        return typing.Any if annotation is inspect.Signature.empty else annotation
    return None


def items_of(service) -> dict:
    """``{method name: item type}`` for the service's streaming methods (``infer`` and public ones)."""
    streams = {}
    for name, method in inspect.getmembers(service, predicate=inspect.ismethod):
        if name.startswith("_") or name in ("setup", "store_assets", "on_server_startup", "on_server_shutdown", "infer_form_data"):
            continue
        item = item_type(method)
        if item is not None:
            streams[name] = item
    return streams


def seed_view(service, streams: dict):
    """``service`` as the seed should see it: each streaming method returning one item."""
    if not streams:
        return service
    cls = type(service)
    overrides = {}
    for name, item in streams.items():
        function = getattr(cls, name)
        overrides[name] = _one_item(function, name, item)
    view = object.__new__(type(cls.__name__, (cls,), overrides))
    view.__dict__.update(service.__dict__)
    return view


def _one_item(function, name, item):
    def stand_in(self, *args, **kwargs):
        raise NotImplementedError("only the seed's checks see this method")

    stand_in.__signature__ = inspect.signature(function).replace(return_annotation=item)
    stand_in.__name__ = stand_in.__qualname__ = name
    stand_in.__doc__ = function.__doc__
    if hasattr(function, "__path__"):
        stand_in.__path__ = function.__path__
    return stand_in
