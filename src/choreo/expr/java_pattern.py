"""Java `DateTimeFormatter` patterns (`yyyy-MM-dd'T'HH:mm:ss.SSSXXX`): formatting and parsing.

Kestra flows carry Java patterns, so we interpret them rather than ask users to learn `strftime`. Text fields
use English names, as Kestra's default locale does. Week fields follow ISO-8601 (a documented simplification).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from choreo.errors import ExpressionError

__all__ = ["Pattern", "compile_pattern", "format_compiled", "parse_with_pattern"]

Token = tuple[str, int | str]  # (letter, count) or ("", literal text)
Pattern = tuple[Token, ...]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LETTERS = frozenset("GuyYMLdDQqwWEecahHkKmsSnNAVzOXxZ")


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Pattern:
    """Split a pattern into letter runs and literals; `'text'` quotes literals, `''` is a quote."""
    tokens: list[Token] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "'":
            if pattern.startswith("''", i):
                tokens.append(("", "'"))
                i += 2
                continue
            end = i + 1
            text = ""
            while True:
                if end >= n:
                    raise ExpressionError(f"unterminated quote in date pattern {pattern!r}")
                if pattern[end] == "'":
                    if pattern.startswith("''", end):
                        text, end = text + "'", end + 2
                        continue
                    break
                text, end = text + pattern[end], end + 1
            tokens.append(("", text))
            i = end + 1
        elif ch.isascii() and ch.isalpha():
            end = i
            while end < n and pattern[end] == ch:
                end += 1
            if ch not in _LETTERS:
                raise ExpressionError(f"unknown letter {ch!r} in date pattern {pattern!r}")
            tokens.append((ch, end - i))
            i = end
        elif ch in "#{}":
            raise ExpressionError(f"reserved character {ch!r} in date pattern {pattern!r}")
        else:
            if ch not in "[]":  # optional sections: always printed
                tokens.append(("", ch))
            i += 1
    return tuple(tokens)


def _offset(dt: datetime, *, colon: bool, seconds: bool, minutes: str, zero: str) -> str:
    """`+HH`, `+HHmm`, `+HH:mm`, `+HH:mm:ss`; `minutes` is "always", "never" or "optional"."""
    total = int((dt.utcoffset() or timedelta(0)).total_seconds())
    if total == 0 and zero:
        return zero
    sign = "+" if total >= 0 else "-"
    hours, rest = divmod(abs(total), 3600)
    mins, secs = divmod(rest, 60)
    sep = ":" if colon else ""
    out = f"{sign}{hours:02d}"
    if minutes == "always" or (minutes == "optional" and (mins or secs)):
        out += f"{sep}{mins:02d}"
    if seconds and secs:
        out += f"{sep}{secs:02d}"
    return out


def _zone_offset(dt: datetime, letter: str, count: int) -> str:
    if letter == "O" or (letter == "Z" and count == 4):
        total = int((dt.utcoffset() or timedelta(0)).total_seconds())
        if total == 0:
            return "GMT"
        sign = "+" if total >= 0 else "-"
        hours, rest = divmod(abs(total), 3600)
        if letter == "O" and count == 1:
            return f"GMT{sign}{hours}" + (f":{rest // 60:02d}" if rest else "")
        return f"GMT{sign}{hours:02d}:{rest // 60:02d}"
    if letter == "Z":
        if count == 5:
            return _offset(dt, colon=True, seconds=True, minutes="always", zero="Z")
        return _offset(dt, colon=False, seconds=False, minutes="always", zero="")
    zero = "Z" if letter == "X" else ""
    colon = count in (3, 5)
    minutes = "optional" if count == 1 else "always"
    return _offset(dt, colon=colon, seconds=count >= 4, minutes=minutes, zero=zero)


def _text(names: tuple[str, ...], index: int, count: int) -> str:
    name = names[index]
    return name[:3] if count <= 3 else name if count == 4 else name[0]


def _field(dt: datetime, letter: str, count: int) -> str:
    """One letter run of a pattern, formatted for `dt`."""
    match letter:
        case "y" | "u" | "Y":
            year = dt.isocalendar()[0] if letter == "Y" else dt.year
            return f"{year % 100:02d}" if count == 2 else str(year).zfill(count)
        case "M" | "L":
            return str(dt.month).zfill(count) if count <= 2 else _text(_MONTHS, dt.month - 1, count)
        case "d":
            return str(dt.day).zfill(count)
        case "D":
            return str(dt.timetuple().tm_yday).zfill(count)
        case "Q" | "q":
            quarter = (dt.month - 1) // 3 + 1
            return str(quarter).zfill(count) if count <= 2 else f"Q{quarter}"
        case "w":
            return str(dt.isocalendar()[1]).zfill(count)
        case "W":
            return str((dt.day - 1 + (dt.replace(day=1).weekday() + 1) % 7) // 7 + 1)
        case "E":
            return _text(_DAYS, dt.weekday(), count)
        case "e" | "c":
            return str((dt.weekday() + 1) % 7 + 1).zfill(count) if count <= 2 else _text(_DAYS, dt.weekday(), count)
        case "a":
            return "AM" if dt.hour < 12 else "PM"
        case "H":
            return str(dt.hour).zfill(count)
        case "k":
            return str(dt.hour or 24).zfill(count)
        case "K":
            return str(dt.hour % 12).zfill(count)
        case "h":
            return str(dt.hour % 12 or 12).zfill(count)
        case "m":
            return str(dt.minute).zfill(count)
        case "s":
            return str(dt.second).zfill(count)
        case "S":
            return f"{dt.microsecond:06d}000"[:count]
        case "n":
            return str(dt.microsecond * 1000).zfill(count)
        case "N":
            return str(((dt.hour * 60 + dt.minute) * 60 + dt.second) * 10**9 + dt.microsecond * 1000).zfill(count)
        case "A":
            return str(((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.microsecond // 1000).zfill(count)
        case "G":
            return "AD" if count <= 3 else "Anno Domini" if count == 4 else "A"
        case "V":
            return dt.tzinfo.key if isinstance(dt.tzinfo, ZoneInfo) else _zone_offset(dt, "X", 3)
        case "z":
            return dt.tzname() or ""
    return _zone_offset(dt, letter, count)


def format_compiled(dt: datetime, pattern: Pattern) -> str:
    return "".join(value if not letter else _field(dt, letter, value) for letter, value in pattern)  # type: ignore[arg-type]


_OFFSET_RE = r"Z|GMT(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}(?::?\d{2})?(?::?\d{2})?"


def _regex_for(letter: str, count: int) -> tuple[str, str | None]:
    """(regex, field name) used to parse one letter run."""
    digits = {1: r"\d{1,2}", 2: r"\d{2}"}
    match letter:
        case "y" | "u" | "Y":
            return (r"\d{2}", "year2") if count == 2 else (rf"[+-]?\d{{{max(count, 1)},}}", "year")
        case "M" | "L":
            if count <= 2:
                return digits[count], "month"
            names = [m[:3] if count == 3 else m for m in _MONTHS]
            return "|".join(names), "month_name"
        case "d" | "H" | "h" | "K" | "k" | "m" | "s":
            return digits.get(count, rf"\d{{{count}}}"), letter
        case "D":
            return r"\d{1,3}", "D"
        case "S":
            return rf"\d{{{count}}}", "S"
        case "n":
            return r"\d{1,9}", "n"
        case "a":
            return "AM|PM", "a"
        case "E" | "e" | "c":
            if count <= 2 and letter != "E":
                return r"\d", None
            return "|".join(d[:3] if count <= 3 else d for d in _DAYS), None
        case "G":
            return "AD|BC|Anno Domini|Before Christ", None
        case "V" | "z":
            return r"[A-Za-z][A-Za-z0-9_/+\-]*", "zone"
        case "X" | "x" | "Z" | "O":
            return _OFFSET_RE, "offset"
    return r"\d+", None


@lru_cache(maxsize=256)
def _parser(pattern: Pattern) -> tuple[re.Pattern[str], tuple[str | None, ...]]:
    parts, fields = [], []
    for letter, value in pattern:
        if not letter:
            parts.append(re.escape(str(value)))
            continue
        regex, field = _regex_for(letter, int(value))
        parts.append(f"({regex})")
        fields.append(field)
    return re.compile("".join(parts), re.IGNORECASE), tuple(fields)


def _tz_from_offset(text: str) -> tzinfo:
    if text.upper() in ("Z", "GMT"):
        return UTC
    text = text[3:] if text.upper().startswith("GMT") else text
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours = int(digits[:2]) if len(digits) != 1 else int(digits)
    minutes = int(digits[2:4] or 0) if len(digits) > 2 else 0
    return timezone(sign * timedelta(hours=hours, minutes=minutes, seconds=int(digits[4:6] or 0)))


def parse_with_pattern(text: str, pattern: Pattern, tz: tzinfo) -> datetime:
    """Parse `text` with a Java pattern; values without zone are read in `tz`, without time at midnight."""
    regex, fields = _parser(pattern)
    match = regex.fullmatch(text)
    if match is None:
        raise ExpressionError(f"cannot parse {text!r} with the date pattern given in existingFormat")
    got = {field: value for field, value in zip(fields, match.groups(), strict=True) if field}
    if "year" not in got and "year2" not in got:
        raise ExpressionError("existingFormat must contain a year (y, u or Y)")
    year = int(got["year"]) if "year" in got else 2000 + int(got["year2"])
    if "month_name" in got:
        month = next(i for i, m in enumerate(_MONTHS, 1) if m.lower().startswith(got["month_name"].lower()))
    else:
        month = int(got.get("month", 1))
    hour = int(got.get("H", got.get("k", 0))) % 24
    if "h" in got or "K" in got:
        hour = int(got.get("h", got.get("K", 0))) % 12 + (12 if got.get("a", "").upper() == "PM" else 0)
    fraction = got.get("S") or str(int(got.get("n", 0))).zfill(9)
    micro = int((fraction + "000000")[:6])
    try:
        if "D" in got and "month" not in got and "month_name" not in got:
            base = datetime(year, 1, 1) + timedelta(days=int(got["D"]) - 1)
        else:
            base = datetime(year, month, int(got.get("d", 1)))
        value = base.replace(hour=hour, minute=int(got.get("m", 0)), second=int(got.get("s", 0)), microsecond=micro)
    except ValueError as exc:
        raise ExpressionError(f"invalid date {text!r}: {exc}") from None
    if "offset" in got:
        return value.replace(tzinfo=_tz_from_offset(got["offset"]))
    if "zone" in got:
        from .dates import zone  # local import: dates imports this module

        return value.replace(tzinfo=zone(got["zone"]))
    return value.replace(tzinfo=tz)
