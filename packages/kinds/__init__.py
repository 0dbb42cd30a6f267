"""One home per package kind: a registry keyed by `package_type`.

Each kind is one module here (`prepaid.py`, `service_package.py`, ...), like django-oscar's
benefit proxies (`klassmap[self.type]`): its template model, its `Kind` (the benefit rule it
uses, the tracker rows it grants, its valuation, its texts, whether it is taxed at sale and
the fields its forms, admin and API show) and its `register()`. Everything else asks
`kind_for(package_type)` and never compares a kind name.

The six kinds of docs/design.md register when `packages.models` imports their modules, in
the order of its kinds table; this module imports nothing of `packages.models` at import
time (the models ask it for their kind). Another app adds a kind with `register()` in the
module of its template model.
"""
from __future__ import annotations

from contextlib import contextmanager
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Kind

_registry: dict[str, Kind] = {}
_loaded = False


class UnknownKind(LookupError):
    """No kind is registered under this `package_type`."""


def _load_builtin() -> None:
    """Import `packages.models`, whose import of the six kind modules registers them in table order."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    import_module("packages.models")


def register(kind: Kind) -> Kind:
    """Add a kind to the registry (after the six built-in ones) and return it: `KIND = register(MyKind())`."""
    _load_builtin()
    if kind.package_type in _registry and _registry[kind.package_type] is not kind:
        raise ValueError(f"A kind is already registered as {kind.package_type!r}.")
    _registry[kind.package_type] = kind
    return kind


def unregister(package_type: str) -> None:
    """Remove a kind added with `register()` (tests that add a kind take it away again)."""
    _registry.pop(package_type, None)


@contextmanager
def registered(kind: Kind):
    """Register `kind` for the duration of a `with` block."""
    register(kind)
    try:
        yield kind
    finally:
        unregister(kind.package_type)


def kind_for(package_type: str) -> Kind:
    """Return the kind registered as `package_type`; raise `UnknownKind` if there is none."""
    _load_builtin()
    try:
        return _registry[str(package_type)]
    except KeyError:
        raise UnknownKind(f"Unknown package kind {package_type!r}.") from None


def find_kind(package_type) -> Kind | None:
    """Return the kind registered as `package_type`, or None (for values typed by a user)."""
    _load_builtin()
    return _registry.get(str(package_type)) if package_type is not None else None


def all_kinds() -> list[Kind]:
    """Return every registered kind: the six of docs/design.md in its table's order, then any added."""
    _load_builtin()
    return list(_registry.values())


def kind_choices() -> list[tuple[str, str]]:
    """Return `(package_type, label)` for every registered kind, for choice fields."""
    return [(kind.package_type, kind.label) for kind in all_kinds()]
