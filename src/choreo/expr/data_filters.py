"""Filters that convert data: JSON/YAML/jq, numbers, dates and type names."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jq
import yaml

from choreo.errors import ExpressionError

from . import dates
from .numeric import format_number, parse_number
from .printing import to_json, to_jsonable

__all__ = ["DATA_FILTERS"]

# Shadow the jq builtins that reach outside the value: the environment, stdin, module search, stderr.
# Prefixing an expression also makes `import`/`include` directives a syntax error.
_JQ_PRELUDE = (
    "def env: {}; def input: null; def inputs: empty; def input_filename: null; def get_search_list: []; "
    "def debug: .; def debug(m): .; def stderr: .; def halt: empty; "
    'def halt_error: error("halt_error is not allowed"); def halt_error(c): error("halt_error is not allowed"); '
    "{} as $ENV | "
)


@lru_cache(maxsize=256)
def _jq_program(expression: str) -> Any:
    try:
        return jq.compile(f"{_JQ_PRELUDE}({expression}\n)")
    except ValueError as exc:
        raise ExpressionError(f"jq: invalid expression {expression!r}: {str(exc).splitlines()[0]}") from None


def jq_filter(value: Any, expression: str | None = None) -> Any:
    """Run a jq expression; always a list of results (pipe to `first` for one). Strings are parsed as JSON."""
    if value is None:
        return None
    if not isinstance(expression, str):
        raise ExpressionError("the 'jq' filter expects an argument 'expression'")
    text = value if isinstance(value, str) else to_json(value)
    try:
        return _jq_program(expression).input_text(text).all()
    except ValueError as exc:
        raise ExpressionError(f"jq: cannot apply {expression!r}: {str(exc).splitlines()[0]}") from None


def to_yaml(value: Any) -> str:
    """YAML without a document marker, block style, keys in insertion order (Kestra's `yaml` filter)."""
    if value is None:
        return "null"
    text = yaml.safe_dump(to_jsonable(value), default_flow_style=False, sort_keys=False, allow_unicode=True)
    return text.removesuffix("...\n") if not isinstance(value, (Mapping, list, tuple)) else text


def to_json_filter(value: Any) -> str:
    return "null" if value is None else to_json(value)


_JAVA_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "java.lang.Boolean"),
    (int, "java.lang.Integer"),
    (float, "java.lang.Double"),
    (Decimal, "java.math.BigDecimal"),
    (str, "java.lang.String"),
    (Mapping, "java.util.LinkedHashMap"),
    (list, "java.util.ArrayList"),
    (tuple, "java.util.ArrayList"),
    (datetime, "java.time.ZonedDateTime"),
    (date, "java.time.LocalDate"),
    (time, "java.time.LocalTime"),
    (timedelta, "java.time.Duration"),
)


def class_name(value: Any) -> Any:
    """The Java class name Kestra would report, so flows that branch on it behave the same."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**31) <= value < 2**31:
        return "java.lang.Long"
    return next((name for kind, name in _JAVA_NAMES if isinstance(value, kind)), type(value).__name__)


def abs_filter(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ExpressionError(f"'abs' filter expects a number, got {type(value).__name__}")
    return abs(value)


def date_filter(
    value: Any,
    format: str | None = None,  # noqa: A002 - Kestra's argument names
    timeZone: str | None = None,  # noqa: N803
    existingFormat: str | None = None,  # noqa: N803
    locale: str | None = None,
) -> Any:
    if value is None:
        return None
    tz = dates.zone(timeZone)
    return dates.format_date(dates.to_datetime(value, tz, existingFormat), format, tz)


def date_add_filter(
    value: Any,
    amount: int,
    unit: str,
    format: str | None = None,  # noqa: A002
    timeZone: str | None = None,  # noqa: N803
    existingFormat: str | None = None,  # noqa: N803
    locale: str | None = None,
) -> Any:
    if value is None:
        return None
    tz = dates.zone(timeZone)
    moved = dates.add(dates.to_datetime(value, tz, existingFormat), amount, unit)
    return dates.format_date(moved, format, tz)


def _timestamp(unit: str) -> Callable[..., Any]:
    def apply(value: Any, timeZone: str | None = None, existingFormat: str | None = None) -> Any:  # noqa: N803
        if value is None:
            return None
        return dates.epoch(dates.to_datetime(value, dates.zone(timeZone), existingFormat), unit)

    return apply


def number_filter(value: Any, type: str | None = None) -> Any:  # noqa: A002 - Kestra's argument name
    return None if value is None else parse_number(value, type)


def number_format(value: Any, format: str | None = None) -> Any:  # noqa: A002
    if value is None:
        return None
    if not isinstance(format, str):
        raise ExpressionError("numberFormat expects a pattern such as '#,##0.00'")
    return format_number(value, format)


DATA_FILTERS: dict[str, Callable[..., Any]] = {
    "abs": abs_filter,
    "className": class_name,
    "date": date_filter,
    "dateAdd": date_add_filter,
    "jq": jq_filter,
    "json": to_json_filter,
    "number": number_filter,
    "numberFormat": number_format,
    "timestamp": _timestamp("seconds"),
    "timestampMicro": _timestamp("micros"),
    "timestampMilli": _timestamp("millis"),
    "timestampNano": _timestamp("nanos"),
    "toJson": to_json_filter,
    "yaml": to_yaml,
}
