"""The filter and test tables the environment installs, and the guard every filter/function runs behind.

The guard does two things: an undefined input or argument is passed through untouched (so `??` and `default`
can still rescue it, and using it later reports the missing variable), and Python errors from a filter become
`ExpressionError`s that name the filter.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import yaml
from jinja2.runtime import Undefined

from choreo.errors import ChoreoError, ExpressionError

from .collection_filters import COLLECTION_FILTERS, default, is_empty
from .data_filters import DATA_FILTERS
from .text_filters import TEXT_FILTERS

__all__ = ["FILTERS", "FORBIDDEN_FILTERS", "TESTS", "guard"]

_USER_ERRORS = (TypeError, ValueError, LookupError, ArithmeticError, re.error, yaml.YAMLError, OverflowError)

# Jinja filters that reach object attributes or run format strings: refused at parse time as security violations.
FORBIDDEN_FILTERS = frozenset({"attr", "format", "map", "select", "reject", "selectattr", "rejectattr", "groupby"})


def guard(kind: str, name: str, fn: Callable[..., Any], *, propagate_undefined: bool = True) -> Callable[..., Any]:
    """Wrap a filter or function: pass undefined values through, report Python errors as ExpressionError."""

    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if propagate_undefined:
            for arg in args:
                if isinstance(arg, Undefined):
                    return arg
            for arg in kwargs.values():
                if isinstance(arg, Undefined):
                    return arg
        try:
            return fn(*args, **kwargs)
        except ChoreoError:
            raise
        except _USER_ERRORS as exc:
            raise ExpressionError(f"{kind} '{name}': {exc}") from exc

    return guarded


def _strict(value: Any) -> Any:
    """Tests other than `defined` use the value, so an undefined value raises (strict variables)."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return value


def _is_json(value: Any) -> bool:
    if not isinstance(_strict(value), str):
        return False
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _is_int(value: Any) -> bool:
    return isinstance(_strict(value), int) and not isinstance(value, bool)


TESTS: dict[str, Callable[..., bool]] = {
    "defined": lambda value: not isinstance(value, Undefined),
    "null": lambda value: _strict(value) is None,
    "none": lambda value: _strict(value) is None,
    "empty": lambda value: is_empty(_strict(value)),
    "even": lambda value: _is_int(value) and value % 2 == 0,
    "odd": lambda value: _is_int(value) and value % 2 == 1,
    "iterable": lambda value: isinstance(_strict(value), (list, tuple, set, frozenset)),
    "map": lambda value: isinstance(_strict(value), Mapping),
    "json": _is_json,
}

FILTERS: dict[str, Callable[..., Any]] = {
    name: guard("filter", name, fn) for name, fn in {**TEXT_FILTERS, **COLLECTION_FILTERS, **DATA_FILTERS}.items()
}
FILTERS["default"] = guard("filter", "default", default, propagate_undefined=False)
