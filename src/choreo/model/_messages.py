"""Pydantic's validation errors, translated into the messages and property paths users read."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from choreo.model.plugin import Path


def closest_word(word: str, candidates: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _got(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'" if len(value) < 80 else f"'{value[:77]}...'"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_EXPECTED = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "a boolean (true or false)",
    "bool_parsing": "a boolean (true or false)",
    "string_type": "a string",
    "dict_type": "a mapping",
    "list_type": "a list",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "datetime_type": "a date-time such as 2024-01-31T10:00:00Z",
    "datetime_parsing": "a date-time such as 2024-01-31T10:00:00Z",
    "datetime_from_date_parsing": "a date-time such as 2024-01-31T10:00:00Z",
    "date_type": "a date such as 2024-01-31",
    "date_parsing": "a date such as 2024-01-31",
    "date_from_datetime_parsing": "a date such as 2024-01-31",
    "time_type": "a time such as 13:45:00",
    "time_parsing": "a time such as 13:45:00",
    "timedelta_type": "an ISO-8601 duration such as PT5M",
    "timedelta_parsing": "an ISO-8601 duration such as PT5M",
}


def _resolve_path(loc: tuple[Any, ...], data: Any, error_type: str) -> Path:
    """Map pydantic's loc onto the document, dropping the parts that name union members or validators."""
    path: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif last and error_type in ("missing", "extra_forbidden") and isinstance(part, str):
            path.append(part)
        elif hasattr(node, "model_fields") and isinstance(part, str):
            path.append(part)
            node = getattr(node, part, None)
    return tuple(path)


def _must_not_be_empty(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> bool:
    """Whether loc names a direct property of `model` declared as a non-empty list (Kestra's @NotEmpty)."""
    if model is None or len(loc) != 1:
        return False
    for name, info in model.model_fields.items():
        if loc[0] in (name, info.alias):
            return any(getattr(m, "min_length", None) == 1 for m in info.metadata)
    return False


def _message(error: dict[str, Any], tag_names: list[str] | None, model: type[BaseModel] | None = None) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind in ("missing", "list_type") and _must_not_be_empty(model, tuple(error["loc"])):
        if kind == "missing" or value is None:
            return "must not be empty"
    if kind == "missing":
        return "missing required property"
    if kind == "extra_forbidden":
        return "unknown property"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "list_type" and value is None:
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return f'must match "{ctx.get("pattern")}", got {_got(value)}'
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters long"
    if kind == "string_too_short":
        return f"must be at least {ctx.get('min_length')} characters long"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": "greater than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        bound = next(iter(ctx.values())) if ctx else "?"
        return f"must be {words} {bound}, got {_got(value)}"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        suggestion = closest_word(str(value), [e.strip() for e in expected.replace(" or ", ",").split(",")])
        hint = f" (did you mean '{suggestion}'?)" if suggestion and suggestion != value else ""
        return f"must be one of {expected}, got {_got(value)}{hint}"
    if kind == "union_tag_invalid":
        names = tag_names or []
        suggestion = closest_word(str(ctx.get("tag")), names)
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        expected = f"; expected one of {', '.join(names)}" if names else ""
        return f"Invalid type: {ctx.get('tag')}{hint}{expected}"
    if kind == "union_tag_not_found":
        return "missing required property 'type'"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_got(value)}"
    if kind == "value_error":
        return str(ctx.get("error") or error["msg"]).removeprefix("Value error, ")
    message = str(error["msg"])
    return message[:1].lower() + message[1:]


def describe_errors(
    error: ValidationError,
    data: Any,
    *,
    tag_names: list[str] | None = None,
    model: type[BaseModel] | None = None,
) -> list[tuple[Path, str]]:
    """One (path, message) per problem; alternatives of a union on the same path are merged into one message."""
    by_path: dict[Path, list[str]] = {}
    for item in error.errors(include_url=False):
        path = _resolve_path(tuple(item["loc"]), data, item["type"])
        message = _message(item, tag_names, model)
        messages = by_path.setdefault(path, [])
        if message not in messages:
            messages.append(message)
    out: list[tuple[Path, str]] = []
    for path, messages in by_path.items():
        expected = [m for m in messages if m.startswith("expected ")]
        specific = [m for m in messages if not m.startswith("expected ")]
        if specific:  # a precise reason beats the list of union alternatives
            out.extend((path, m) for m in specific)
        elif len(expected) == 1:
            out.append((path, expected[0]))
        else:
            kinds = [m.removeprefix("expected ").rsplit(", got ", 1)[0] for m in expected]
            got = expected[0].rsplit(", got ", 1)[-1]
            out.append((path, f"expected {' or '.join(kinds)}, got {got}"))
    return out
