"""Rendering helpers shared by the KV tasks: typed properties from templates, and `kvType` conversions."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from choreo.model.durations import parse_duration
from choreo.plugins.context import RunContext, TaskFailed


def render_text(ctx: RunContext, value: Any, what: str) -> str:
    rendered = ctx.render(value)
    if not isinstance(rendered, str) or not rendered:
        raise TaskFailed(f"{what}: expected a non-empty text, got {rendered!r}", retryable=False)
    return rendered


def render_bool(ctx: RunContext, value: Any, what: str) -> bool:
    rendered = ctx.render(value)
    if isinstance(rendered, bool):
        return rendered
    if isinstance(rendered, str) and rendered.strip().lower() in ("true", "false"):
        return rendered.strip().lower() == "true"
    raise TaskFailed(f"{what}: expected true or false, got {rendered!r}", retryable=False)


def render_duration(ctx: RunContext, value: Any, what: str) -> timedelta:
    if isinstance(value, timedelta):
        return value
    try:
        return parse_duration(str(ctx.render(value)))
    except ValueError as exc:
        raise TaskFailed(f"{what}: {exc}", retryable=False) from exc


def render_typed(ctx: RunContext, value: Any) -> Any:
    """Kestra's `renderTyped`: a template that is one expression keeps its type (`{{ 1 + 1 }}` → 2); a template
    with text around renders to text; maps and lists are rendered inside; other values are kept."""
    if isinstance(value, str):
        if "{{" in value or "{%" in value or "{#" in value:
            return ctx.evaluate(value)
        return value
    return ctx.render(value)


def convert(value: Any, kv_type: str) -> Any:
    """A text value read as `kv_type` (NUMBER, BOOLEAN, DATETIME, DATE, DURATION, JSON); others as they are."""
    if not isinstance(value, str):
        return value
    try:
        if kv_type == "NUMBER":
            number = json.loads(value)
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise ValueError(f"not a number: {value!r}")
            return number
        if kv_type == "BOOLEAN":
            return value.strip().lower() == "true"
        if kv_type == "DATETIME":
            return datetime.fromisoformat(value)
        if kv_type == "DATE":
            return date.fromisoformat(value) if len(value) <= 10 else datetime.fromisoformat(value).date()
        if kv_type == "DURATION":
            return parse_duration(value)
        if kv_type == "JSON":
            return json.loads(value)
    except ValueError as exc:
        raise TaskFailed(f"value: cannot read {value!r} as {kv_type}: {exc}", retryable=False) from exc
    return value


def missing_key(key: str, namespace: str) -> TaskFailed:
    return TaskFailed(
        f"No value found for key '{key}' in namespace '{namespace}' and `errorOnMissing` is set to true",
        retryable=False,
    )
