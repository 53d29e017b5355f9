"""Numbers: the `number` filter (Apache `NumberUtils.createNumber` rules) and Java `DecimalFormat` patterns."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple

from choreo.errors import ExpressionError

__all__ = ["format_number", "parse_number"]

_INT_TYPES = {"INT", "INTEGER", "LONG", "SHORT", "BYTE", "BIGINTEGER"}
_FLOAT_TYPES = {"FLOAT", "DOUBLE"}


def _int(text: str) -> int:
    body = text.lower()
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    if body.startswith(("0x", "#")):
        return sign * int(body.removeprefix("#").removeprefix("0x"), 16)
    if len(body) > 1 and body.startswith("0") and body.isdigit():
        return sign * int(body, 8)
    return sign * int(body, 10)


def parse_number(text: Any, kind: str | None = None) -> int | float | Decimal:
    """`'42'` → 42, `'4.2'` → 4.2, `'0x1F'` → 31; `kind` forces INT/LONG/FLOAT/DOUBLE/BIGDECIMAL/BIGINTEGER."""
    if not isinstance(text, str):
        raise ExpressionError(f"'number' filter can only be applied to strings, got {type(text).__name__}")
    value = text.strip()
    wanted = (kind or "").upper()
    try:
        if wanted in _INT_TYPES:
            return _int(value.rstrip("lL"))
        if wanted in _FLOAT_TYPES:
            return float(value.rstrip("fFdD"))
        if wanted == "BIGDECIMAL":
            return Decimal(value)
        if wanted:
            raise ExpressionError(f"unknown number type {kind!r}")
        if value[-1:] in ("l", "L"):
            return _int(value[:-1])
        if value[-1:] in ("f", "F", "d", "D") and not value.lower().startswith(("0x", "-0x", "+0x")):
            return float(value[:-1])
        if re.fullmatch(r"[+-]?(?:0[xX][0-9a-fA-F]+|#[0-9a-fA-F]+|\d+)", value):
            return _int(value)
        return float(value)
    except (ValueError, InvalidOperation, IndexError):
        raise ExpressionError(f"{text!r} is not a valid number") from None


class _Format(NamedTuple):
    prefix: str
    suffix: str
    min_int: int
    min_frac: int
    max_frac: int
    grouping: int
    scale: int


@lru_cache(maxsize=128)
def _compile(pattern: str) -> _Format:
    """Read the positive part of a `DecimalFormat` pattern: `#,##0.00`, `0.###`, `#%`, `'$'#,##0`."""
    positive = pattern.split(";", 1)[0]
    match = re.fullmatch(r"((?:'[^']*'|[^#0,.%\u2030'])*)([#0,]*)(?:\.([0#]*))?((?:'[^']*'|[^#0,.'])*)", positive)
    if match is None or not (match.group(2) or match.group(3)):
        raise ExpressionError(f"unsupported number pattern {pattern!r}")
    prefix, integer, fraction, suffix = match.group(1), match.group(2), match.group(3) or "", match.group(4)
    scale = 2 if "%" in prefix + suffix else 3 if "\u2030" in prefix + suffix else 0
    grouping = len(integer) - integer.rfind(",") - 1 if "," in integer else 0
    return _Format(
        prefix=prefix.replace("'", ""),
        suffix=suffix.replace("'", ""),
        min_int=integer.count("0"),
        min_frac=len(fraction) - len(fraction.lstrip("0")) if fraction.startswith("0") else 0,
        max_frac=len(fraction),
        grouping=grouping,
        scale=scale,
    )


def format_number(value: Any, pattern: str) -> str:
    """Format like `new DecimalFormat(pattern).format(value)` (HALF_EVEN rounding), for common patterns."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise ExpressionError(f"numberFormat expects a number, got {type(value).__name__}")
    try:
        number = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation:
        raise ExpressionError(f"{value!r} is not a number") from None
    spec = _compile(pattern)
    number = number.scaleb(spec.scale)
    rounded = number.quantize(Decimal(1).scaleb(-spec.max_frac), rounding=ROUND_HALF_EVEN)
    sign = "-" if rounded < 0 else ""
    integer, _, fraction = f"{abs(rounded):f}".partition(".")
    fraction = fraction.rstrip("0")
    fraction += "0" * max(0, spec.min_frac - len(fraction))
    integer = integer.lstrip("0").zfill(spec.min_int) if spec.min_int else integer.lstrip("0")
    if spec.grouping and integer:
        head = len(integer) % spec.grouping or spec.grouping
        integer = ",".join(
            [integer[:head]] + [integer[i : i + spec.grouping] for i in range(head, len(integer), spec.grouping)]
        )
    if not integer and not fraction:
        integer = "0"
    return f"{sign}{spec.prefix}{integer}{'.' + fraction if fraction else ''}{spec.suffix}"
