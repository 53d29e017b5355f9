"""Dates the way Kestra's `date`, `dateAdd` and `timestamp*` filters handle them.

Formats are Java `DateTimeFormatter` patterns (`yyyy-MM-dd'T'HH:mm:ss.SSSXXX`) or Kestra's named formats
(`iso`, `iso_sec`, `sql`, `iso_local_date`, ...). Inputs may be datetimes, dates, ISO strings or epoch numbers.
The default time zone is UTC (Kestra uses the server's zone, which is UTC in its Docker images).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from choreo.errors import ExpressionError

from .java_pattern import compile_pattern, format_compiled, parse_with_pattern

__all__ = ["add", "format_date", "to_datetime", "epoch", "zone"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NOON = time(12, 0)

NAMED_PATTERNS = {
    "iso": "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
    "iso_milli": "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
    "iso_sec": "yyyy-MM-dd'T'HH:mm:ssXXX",
    "sql": "yyyy-MM-dd HH:mm:ss.SSSSSS",
    "sql_milli": "yyyy-MM-dd HH:mm:ss.SSS",
    "sql_sec": "yyyy-MM-dd HH:mm:ss",
    "sql_seq": "yyyy-MM-dd HH:mm:ss",
    "sql_seconds": "yyyy-MM-dd HH:mm:ss",
    "basic_iso_date": "yyyyMMddXX",
    # FormatStyle approximations for the default (US English) locale.
    "short": "M/d/yy, h:mm a",
    "medium": "MMM d, y, h:mm:ss a",
    "long": "MMMM d, y 'at' h:mm:ss a z",
    "full": "EEEE, MMMM d, y 'at' h:mm:ss a zzzz",
}

_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*$")
_OFFSET = re.compile(r"^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$")
_BRACKET_ZONE = re.compile(r"^(.*)\[([^\]]+)\]$")
_TIME_UNITS = {"NANOS": 1e-9, "MICROS": 1e-6, "MILLIS": 1e-3, "SECONDS": 1, "MINUTES": 60, "HOURS": 3600}
_TIME_UNITS["HALF_DAYS"] = 43200
_DAY_UNITS = {"DAYS": 1, "WEEKS": 7}
_MONTH_UNITS = {"MONTHS": 1, "YEARS": 12, "DECADES": 120, "CENTURIES": 1200, "MILLENNIA": 12000}


@lru_cache(maxsize=256)
def zone(name: str | None) -> tzinfo:
    """A Java `ZoneId`: `UTC`, `Europe/Paris`, `+02:00`, `GMT+2`; None means UTC."""
    if name is None or name in ("UTC", "Z", "GMT", "UT"):
        return UTC
    if not isinstance(name, str):
        raise ExpressionError(f"time zone must be a string, got {name!r}")
    match = _OFFSET.match(name)
    if match:
        sign, hours, minutes, seconds = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0), seconds=int(seconds or 0))
        return timezone(-delta if sign == "-" else delta)
    if _ZONE_NAME.match(name) and ".." not in name:
        try:
            return ZoneInfo(name)
        except (ValueError, OSError, KeyError):
            pass
    raise ExpressionError(f"unknown time zone {name!r}")


def _from_epoch(number: int | float) -> datetime:
    """Epoch numbers in seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude (as Kestra)."""
    if isinstance(number, float):
        return _EPOCH + timedelta(seconds=number)
    magnitude = abs(number)
    if magnitude < 100_000_000_000:
        return _EPOCH + timedelta(seconds=number)
    if magnitude < 100_000_000_000_000:
        return _EPOCH + timedelta(milliseconds=number)
    if magnitude < 100_000_000_000_000_000:
        return _EPOCH + timedelta(microseconds=number)
    return _EPOCH + timedelta(microseconds=number // 1000)


def _parse_iso(text: str, tz: tzinfo) -> datetime:
    """`ZonedDateTime.parse`, then `LocalDateTime.parse`, then `LocalDate.parse` (start of day), like Kestra."""
    bracket = _BRACKET_ZONE.match(text)
    region = None
    if bracket:
        text, region = bracket.group(1), bracket.group(2)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ExpressionError(f"cannot parse {text!r} as a date; give existingFormat to describe it") from None
    if region is not None:
        return parsed.astimezone(zone(region)) if parsed.tzinfo else parsed.replace(tzinfo=zone(region))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def _parse_named(text: str, name: str, tz: tzinfo) -> datetime:
    if name == "rfc_1123_date_time":
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise ExpressionError(f"cannot parse {text!r} as an RFC 1123 date") from None
    if name.startswith("iso"):
        return _parse_iso(text, tz)
    return parse_with_pattern(text, compile_pattern(NAMED_PATTERNS[name]), tz)


def to_datetime(value: Any, tz: tzinfo, existing_format: str | None = None) -> datetime:
    """Convert a filter input to an aware datetime; naive values are read in `tz`."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, _NOON, tz)
    if isinstance(value, bool):
        raise ExpressionError(f"cannot use {value!r} as a date")
    if isinstance(value, (int, float, Decimal)):
        return _from_epoch(int(value) if isinstance(value, Decimal) else value).astimezone(tz)
    if isinstance(value, str):
        text = value.strip()
        if existing_format is None:
            return _parse_iso(text, tz)
        if existing_format in NAMED_PATTERNS or existing_format.startswith(("iso", "rfc_")):
            return _parse_named(text, existing_format, tz)
        return parse_with_pattern(text, compile_pattern(existing_format), tz)
    raise ExpressionError(f"cannot use a value of type {type(value).__name__} as a date")


def _offset_id(dt: datetime) -> str:
    delta = dt.utcoffset() or timedelta(0)
    if not delta:
        return "Z"
    seconds = int(delta.total_seconds())
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{'+' if seconds >= 0 else '-'}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _iso_local_time(dt: datetime) -> str:
    """`ISO_LOCAL_TIME`: seconds always, fraction only when non-zero and without trailing zeros."""
    frac = f".{dt.microsecond:06d}".rstrip("0") if dt.microsecond else ""
    return f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}{frac}"


def _iso_named(dt: datetime, name: str) -> str | None:
    """The `java.time.format.DateTimeFormatter.ISO_*` constants and RFC 1123."""
    day = f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}"
    region = f"[{dt.tzinfo.key}]" if isinstance(dt.tzinfo, ZoneInfo) else ""
    match name:
        case "iso_local_date":
            return day
        case "iso_date":
            return day + _offset_id(dt)
        case "iso_local_time":
            return _iso_local_time(dt)
        case "iso_time" | "iso_offset_time":
            return _iso_local_time(dt) + _offset_id(dt)
        case "iso_local_date_time":
            return f"{day}T{_iso_local_time(dt)}"
        case "iso_offset_date_time":
            return f"{day}T{_iso_local_time(dt)}{_offset_id(dt)}"
        case "iso_date_time" | "iso_zoned_date_time":
            return f"{day}T{_iso_local_time(dt)}{_offset_id(dt)}{region}"
        case "iso_instant":
            utc = dt.astimezone(UTC)
            micros = utc.microsecond
            frac = "" if not micros else f".{micros // 1000:03d}" if micros % 1000 == 0 else f".{micros:06d}"
            return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc:%H:%M:%S}{frac}Z"
        case "iso_ordinal_date":
            return f"{dt.year:04d}-{dt.timetuple().tm_yday:03d}{_offset_id(dt)}"
        case "iso_week_date":
            year, week, weekday = dt.isocalendar()
            return f"{year:04d}-W{week:02d}-{weekday}{_offset_id(dt)}"
        case "rfc_1123_date_time":
            offset = "GMT" if not dt.utcoffset() else format_compiled(dt, compile_pattern("xx"))
            return format_compiled(dt, compile_pattern("EEE, d MMM yyyy HH:mm:ss")) + " " + offset
    return None


def format_date(dt: datetime, fmt: str | None, tz: tzinfo) -> str:
    """Format `dt` in zone `tz` with a named format or a Java pattern (default `iso`)."""
    local = dt.astimezone(tz)
    name = fmt or "iso"
    named = _iso_named(local, name)
    if named is not None:
        return named
    return format_compiled(local, compile_pattern(NAMED_PATTERNS.get(name, name)))


def _add_months(dt: datetime, months: int) -> datetime:
    """`plusMonths`: same day of month, clamped to the month's last day."""
    index = dt.year * 12 + dt.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ExpressionError("date out of range")
    last = calendar.monthrange(year, month + 1)[1]
    return dt.replace(year=year, month=month + 1, day=min(dt.day, last))


def add(dt: datetime, amount: int, unit: str) -> datetime:
    """`ZonedDateTime.plus(amount, ChronoUnit.<unit>)`: date units move the wall clock, time units the instant."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ExpressionError(f"dateAdd amount must be an integer, got {amount!r}")
    name = str(unit).upper()
    try:
        if name in _TIME_UNITS:
            return (dt.astimezone(UTC) + timedelta(seconds=amount * _TIME_UNITS[name])).astimezone(dt.tzinfo)
        if name in _DAY_UNITS:
            return dt + timedelta(days=amount * _DAY_UNITS[name])
        if name in _MONTH_UNITS:
            return _add_months(dt, amount * _MONTH_UNITS[name])
    except OverflowError:
        raise ExpressionError("date out of range") from None
    units = ", ".join([*_TIME_UNITS, *_DAY_UNITS, *_MONTH_UNITS])
    raise ExpressionError(f"unknown date unit {unit!r}; expected one of {units}")


def epoch(dt: datetime, unit: str) -> int:
    """Whole seconds / milliseconds / microseconds / nanoseconds since 1970-01-01T00:00:00Z (floored)."""
    micros = (dt - _EPOCH) // timedelta(microseconds=1)
    match unit:
        case "seconds":
            return micros // 1_000_000
        case "millis":
            return micros // 1000
        case "micros":
            return micros
    return micros * 1000
