"""How values become text, the way Kestra's Pebble writer prints them.

Booleans print `true`/`false`, None prints nothing, floats print like Java's `Double.toString` (`2.0`, `1.0E10`),
maps and lists print as compact JSON, dates and durations print as ISO-8601. One module owns these rules so the
output writer, the `~` operator, `toJson` and `join` all agree.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from jinja2.runtime import Undefined

from choreo.model.durations import format_duration

__all__ = ["MapEntry", "java_double", "iso_datetime", "iso_time", "to_json", "to_jsonable", "to_text"]


class MapEntry(NamedTuple):
    """One item of a map being iterated by `{% for entry in map %}`; Pebble exposes `entry.key` / `entry.value`."""

    key: Any
    value: Any


def java_double(value: float) -> str:
    """Print a float like Java's `Double.toString`: `2.0`, `0.001`, `1.0E7`, `1.5E-4`, `NaN`, `Infinity`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(value)
        return text if "e" not in text else format(value, "f")
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    sci_exponent = int(exponent) + len(digits) - 1
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{sci_exponent}"


def _fraction(micros: int) -> str:
    """Fraction of second in groups of three digits, as `Instant.toString()` does."""
    if micros == 0:
        return ""
    if micros % 1000 == 0:
        return f".{micros // 1000:03d}"
    return f".{micros:06d}"


def _offset(delta: timedelta | None) -> str:
    if delta is None:
        return ""
    if not delta:
        return "Z"
    seconds = int(delta.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def iso_datetime(value: datetime) -> str:
    """`2024-01-31T10:00:00.123Z`: ISO-8601, `Z` for UTC, the zone's offset otherwise, no offset when naive."""
    base = f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return base + _fraction(value.microsecond) + _offset(value.utcoffset())


def iso_time(value: time) -> str:
    """`18:27:49` (plus fraction and offset when present)."""
    base = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return base + _fraction(value.microsecond) + _offset(value.utcoffset())


def _scalar_text(value: Any) -> str | None:
    """Text for the non-container types JSON and the writer share; None when `value` is not one of them."""
    if isinstance(value, datetime):
        return iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return iso_time(value)
    if isinstance(value, timedelta):
        return format_duration(value)
    return None


def _json_default(value: Any) -> Any:
    """Encoder hook for the types `json` does not know; undefined values raise (strict mode)."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    text = _scalar_text(value)
    if text is not None:
        return text
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return str(value)


def to_json(value: Any) -> str:
    """Compact JSON (`{"a":"b"}`), non-ASCII kept, dates as ISO strings: what Kestra prints for maps and lists."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def to_jsonable(value: Any) -> Any:
    """Plain JSON data (dicts, lists, str, numbers, bools, None) for consumers such as jq."""
    return json.loads(to_json(value))


def to_text(value: Any) -> str:
    """The text `{{ value }}` prints; used as Jinja's `finalize` hook, so it must be fast for strings."""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if kind is float:
        return java_double(value)
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, MapEntry):
        return f"{to_text(value.key)}={to_text(value.value)}"
    if isinstance(value, (Mapping, list, tuple, set, frozenset)):
        return to_json(value)
    text = _scalar_text(value)
    if text is not None:
        return text
    return str(value)
