"""Helpers that compiled templates call for Pebble operators Jinja lacks (`??`, `???`, `contains`, `~`, `for`).

The parser rewrites those operators into calls to these functions (via `nodes.ImportedName`), so the names
and signatures here are part of the compiled-template contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from jinja2.runtime import Undefined

from .functions import inclusive_range
from .printing import MapEntry, to_text

__all__ = ["concat", "contains", "if_defined", "if_present", "inclusive_range", "loop_items"]


def if_present(value: Any) -> tuple[Any, ...]:
    """`a ?? b`: `(a,)` when a is defined and not null, else `()` so the parser's `or (b,)` picks b."""
    return () if value is None or isinstance(value, Undefined) else (value,)


def if_defined(value: Any) -> tuple[Any, ...]:
    """`a ??? b`: `(a,)` when a is defined (null counts as defined), else `()`."""
    return () if isinstance(value, Undefined) else (value,)


def contains(container: Any, item: Any) -> Any:
    """Pebble's `contains`: element of a list (all of them for a list), key of a map, substring of a string."""
    if isinstance(container, Undefined):
        return container
    if isinstance(item, Undefined):
        return item
    if container is None:
        return False
    if isinstance(container, Mapping):
        return item in container
    if isinstance(container, str):
        return to_text(item) in container
    if isinstance(item, (list, tuple)) and not isinstance(container, str):
        return all(element in container for element in item)
    return item in container


def concat(*parts: Any) -> Any:
    """`a ~ b`: each side printed the Pebble way (`true`, not `True`); an undefined side stays undefined."""
    for part in parts:
        if isinstance(part, Undefined):
            return part
    return "".join(to_text(part) for part in parts)


def loop_items(iterable: Any) -> Iterable[Any]:
    """What `{% for %}` iterates: map entries (with `.key`/`.value`, unpackable as `k, v`), nothing for null."""
    if iterable is None:
        return ()
    if isinstance(iterable, Mapping):
        return [MapEntry(key, value) for key, value in iterable.items()]
    return iterable
