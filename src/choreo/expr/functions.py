"""Template functions with Kestra's names and arguments (`now()`, `fromJson()`, `kv()`, `render()`, ...).

Store access goes through `services.call_service`; nothing here touches files or the network except
`randomPort()`, which asks the OS for a free port exactly as Kestra does.
"""

from __future__ import annotations

import json
import random
import socket
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import yaml
from jinja2 import pass_context
from jinja2.runtime import Context

from choreo.errors import ExpressionError

from . import dates
from .filters import guard
from .printing import to_json
from .services import call_service

__all__ = ["FUNCTIONS", "MAX_RANGE", "inclusive_range", "user_variables"]

MAX_RANGE = 1_000_000
_MAX_RENDER_ROUNDS = 10
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def user_variables(context: Context) -> dict[str, Any]:
    """The render variables visible to a template, without the engine's own functions."""
    builtins = context.environment.globals
    return {k: v for k, v in context.get_all().items() if not (k in builtins and builtins[k] is v)}


def inclusive_range(start: Any, end: Any, increment: Any = 1) -> list[int]:
    """Pebble's `range(start, end, step)` and `start..end`: the end is included. Bounded in size."""
    for value in (start, end, increment):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ExpressionError(f"range() expects integers, got {value!r}")
    if increment == 0:
        raise ExpressionError("range() step must not be 0")
    size = (end - start) // increment + 1
    if size > MAX_RANGE:
        raise ExpressionError(f"range() cannot produce more than {MAX_RANGE} elements, this one would have {size}")
    return list(range(start, end + (1 if increment > 0 else -1), increment))


def now(timeZone: str | None = None, format: str | None = None) -> Any:  # noqa: A002, N803 - Kestra's names
    """The current time as an aware datetime (UTC by default), or a string when `format` is given."""
    tz = dates.zone(timeZone)
    current = datetime.now(tz)
    return current if format is None else dates.format_date(current, format, tz)


def from_json(text: Any) -> Any:
    if text is None:
        return None
    if not isinstance(text, (str, bytes)):
        raise ExpressionError(f"fromJson() expects a string, got {type(text).__name__}")
    return json.loads(text)


def from_yaml(text: Any) -> Any:
    if text is None:
        return None
    if not isinstance(text, str):
        raise ExpressionError(f"yaml() expects a string, got {type(text).__name__}")
    return yaml.safe_load(text)


@pass_context
def render(context: Context, template: Any, recursive: bool = True) -> Any:
    """Render a value as a template, with the current variables; `recursive` repeats until the text is stable."""
    if not isinstance(template, str):
        return template
    nested = context.environment.render_nested  # type: ignore[attr-defined]
    variables = user_variables(context)
    rounds = _MAX_RENDER_ROUNDS if recursive else 1
    for _ in range(rounds):
        rendered = nested(template, variables)
        if rendered == template:
            break
        template = rendered
    return template


@pass_context
def render_once(context: Context, template: Any) -> Any:
    return render(context, template, recursive=False)


@pass_context
def current_each_output(context: Context, outputs: Any) -> Any:
    """This iteration's output: index `outputs` by each enclosing loop value (outermost first), then this one."""
    if not isinstance(outputs, Mapping):
        raise ExpressionError("currentEachOutput() expects a map of outputs, such as outputs.my_task")
    parents = context.get("parents")
    for parent in reversed(list(parents or [])):
        taskrun = parent.get("taskrun") if isinstance(parent, Mapping) else None
        if not isinstance(taskrun, Mapping) or taskrun.get("value") is None:
            continue
        nested = outputs.get(taskrun["value"])
        if not isinstance(nested, Mapping):
            raise ExpressionError("currentEachOutput(): no outputs for the current task runs path")
        outputs = nested
    taskrun = context.get("taskrun")
    if not isinstance(taskrun, Mapping):
        raise ExpressionError("currentEachOutput() can only be used inside a ForEach (no 'taskrun' in context)")
    return outputs.get(taskrun.get("value"))


def short_id() -> str:
    """A random 128-bit id in base62, 22 characters (Kestra's `IdUtils.create()` format)."""
    number, out = uuid.uuid4().int, ""
    while number:
        number, digit = divmod(number, 62)
        out = _BASE62[digit] + out
    return out.rjust(22, "0")


def random_int(lower: Any, upper: Any) -> int:
    """A random integer in [lower, upper) (upper excluded, as in Kestra)."""
    for value in (lower, upper):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ExpressionError(f"randomInt() expects integer bounds, got {value!r}")
    if upper < lower:
        raise ExpressionError("randomInt(): upper is less than lower")
    return lower if upper == lower else random.randrange(lower, upper)


def random_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _extreme(pick: Callable[..., Any], name: str) -> Callable[..., Any]:
    def apply(*values: Any) -> Any:
        if len(values) == 1 and isinstance(values[0], (list, tuple)):
            values = tuple(values[0])
        if not values:
            raise ExpressionError(f"{name}() needs at least one value")
        return pick(values)

    return apply


def kv(key: str, namespace: str | None = None, errorOnMissing: bool = True) -> Any:  # noqa: N803
    return call_service("kv", "kv", key, namespace, errorOnMissing)


@pass_context
def fetch_context(context: Context) -> dict[str, Any]:
    return user_variables(context)


@pass_context
def print_context(context: Context) -> str:
    return to_json(user_variables(context))


_RAW: dict[str, Callable[..., Any]] = {
    "currentEachOutput": current_each_output,
    "errorLogs": lambda: call_service("errorLogs", "error_logs"),
    "fetchContext": fetch_context,
    "fileSize": lambda uri: call_service("fileSize", "file_size", uri),
    "fileURI": lambda path: call_service("fileURI", "file_uri", path),
    "fromJson": from_json,
    "id": short_id,
    "json": from_json,
    "kv": kv,
    "max": _extreme(max, "max"),
    "min": _extreme(min, "min"),
    "now": now,
    "printContext": print_context,
    "randomInt": random_int,
    "randomPort": random_port,
    "range": inclusive_range,
    "read": lambda path: call_service("read", "read", path),
    "render": render,
    "renderOnce": render_once,
    "secret": lambda key: call_service("secret", "secret", key),
    "uuid": lambda: str(uuid.uuid4()),
    "yaml": from_yaml,
}

FUNCTIONS: dict[str, Callable[..., Any]] = {name: guard("function", name, fn) for name, fn in _RAW.items()}
