"""ISO-8601 durations as Kestra (java.time.Duration) reads and prints them: `PT5M6S`, `P1DT2H`, `PT0.5S`."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(
    r"^(?P<sign>[-+]?)P(?:(?P<days>[-+]?\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<hours>[-+]?\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>[-+]?\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>[-+]?\d+(?:[.,]\d{1,9})?)S)?)?$",
    re.IGNORECASE,
)


def parse_duration(text: str) -> timedelta:
    """Parse `PT5M`, `P2D`, `PT1H30M`, `PT0.25S`; raise ValueError naming the expected form otherwise."""
    match = _DURATION.match(text.strip())
    if (
        not match
        or text.strip().upper().endswith("T")
        or not any(match.group(g) for g in ("days", "hours", "minutes", "seconds"))
    ):
        raise ValueError(f"expected an ISO-8601 duration such as PT30S, PT5M or P1D, got {text!r}")

    def part(name: str) -> float:
        value = match.group(name)
        return float(value.replace(",", ".")) if value else 0.0

    delta = timedelta(days=part("days"), hours=part("hours"), minutes=part("minutes"), seconds=part("seconds"))
    return -delta if match.group("sign") == "-" else delta


def format_duration(delta: timedelta) -> str:
    """Print like java.time.Duration.toString(): hours, minutes, seconds; `PT0S` for zero."""
    total_micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if total_micros == 0:
        return "PT0S"
    sign = "-" if total_micros < 0 else ""
    total_micros = abs(total_micros)
    hours, rest = divmod(total_micros, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, micros = divmod(rest, 1_000_000)
    out = "PT"
    if hours:
        out += f"{sign}{hours}H"
    if minutes:
        out += f"{sign}{minutes}M"
    if seconds or micros:
        frac = f".{micros:06d}".rstrip("0") if micros else ""
        out += f"{sign}{seconds}{frac}S"
    return out
