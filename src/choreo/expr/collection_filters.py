"""List and map filters with Pebble/Kestra semantics (`first`, `slice`, `merge`, `chunk`, `default`, ...)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jinja2.runtime import Undefined

from choreo.errors import ExpressionError

from .printing import to_text

__all__ = ["COLLECTION_FILTERS", "is_empty"]


def is_empty(value: Any) -> bool:
    """Pebble's `empty` test: null, a blank string, or an empty collection or map."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (Mapping, list, tuple, set, frozenset)):
        return len(value) == 0
    return False


def default(value: Any, default_value: Any = None) -> Any:
    """The default when the value is undefined, null or empty (Pebble's rule, broader than Jinja's)."""
    return default_value if isinstance(value, Undefined) or is_empty(value) else value


def _sequence(name: str, value: Any) -> Sequence[Any]:
    if isinstance(value, (list, tuple)):
        return value
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise ExpressionError(f"'{name}' filter expects a list, got {type(value).__name__}")


def first(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, (str, list, tuple)):
        return value[0] if value else None
    return next(iter(_sequence("first", value)), None)


def last(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, (str, list, tuple)):
        return value[-1] if value else None
    items = _sequence("last", value)
    return items[-1] if items else None


def length(value: Any) -> int:
    if isinstance(value, (str, Mapping, list, tuple, set, frozenset)):
        return len(value)
    return 0


def join(value: Any, separator: str | None = None) -> Any:
    if value is None:
        return None
    return (separator or "").join(to_text(item) for item in _sequence("join", value))


def keys(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return list(value.keys())
    return list(range(len(_sequence("keys", value))))


def values(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return list(value.values())
    return list(_sequence("values", value))


def flatten(value: Any) -> Any:
    if value is None:
        return None
    out: list[Any] = []
    for item in _sequence("flatten", value):
        out.extend(item) if isinstance(item, (list, tuple)) else out.append(item)
    return out


def chunk(value: Any, size: Any = None) -> Any:
    if value is None:
        return None
    if isinstance(size, bool) or not isinstance(size, (int, float)) or int(size) <= 0:
        raise ExpressionError("'chunk' filter expects a positive number 'size'")
    items, step = _sequence("chunk", value), int(size)
    return [list(items[i : i + step]) for i in range(0, len(items), step)]


def distinct(value: Any) -> Any:
    """Unique items in first-seen order (works for unhashable items such as maps too)."""
    if value is None:
        return None
    out: list[Any] = []
    seen: set[Any] = set()
    for item in _sequence("distinct", value):
        try:
            if (type(item), item) in seen:
                continue
            seen.add((type(item), item))
        except TypeError:
            if any(item == other for other in out):
                continue
        out.append(item)
    return out


def sort(value: Any, reverse: bool = False) -> Any:
    if value is None:
        return None
    return sorted(_sequence("sort", value), reverse=reverse)


def reverse(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return value[::-1]
    return list(reversed(_sequence("reverse", value)))


def merge(value: Any, items: Any = None) -> Any:
    """Pebble `merge`: the left side decides the type (map or list); a list merged into a map adds item→item."""
    if value is None:
        if items is None:
            raise ExpressionError("merge: both values are null")
        return items
    if items is None:
        return value
    if isinstance(value, Mapping):
        if isinstance(items, Mapping):
            return {**value, **items}
        if isinstance(items, (list, tuple)):
            return {**value, **{item: item for item in items}}
        raise ExpressionError("merge: only maps and lists can be merged into a map")
    if isinstance(value, (list, tuple)):
        if isinstance(items, Mapping):
            return [*value, *items.items()]
        if isinstance(items, (list, tuple)):
            return [*value, *items]
        raise ExpressionError("merge: only maps and lists can be merged into a list")
    raise ExpressionError("merge: the value being filtered is not a map or a list")


def slice_(value: Any, fromIndex: int = 0, toIndex: int | None = None) -> Any:  # noqa: N803 - Pebble names
    """Pebble `slice(fromIndex, toIndex)`: strict bounds, unlike Python slicing."""
    if value is None:
        return None
    if not isinstance(value, (str, list, tuple)):
        raise ExpressionError("slice can only be applied to strings and lists")
    start = 0 if fromIndex is None else int(fromIndex)
    end = len(value) if toIndex is None else int(toIndex)
    if start < 0:
        raise ExpressionError("slice: fromIndex must be 0 or more")
    if end > len(value):
        raise ExpressionError(f"slice: toIndex must not exceed the input size {len(value)}")
    if toIndex is not None and start >= end:
        raise ExpressionError("slice: toIndex must be greater than fromIndex")
    return value[start:end]


COLLECTION_FILTERS: dict[str, Callable[..., Any]] = {
    "chunk": chunk,
    "distinct": distinct,
    "first": first,
    "flatten": flatten,
    "join": join,
    "keys": keys,
    "last": last,
    "length": length,
    "merge": merge,
    "reverse": reverse,
    "rsort": lambda value: sort(value, reverse=True),
    "slice": slice_,
    "sort": sort,
    "values": values,
}
