"""Time-zone ids as Java's `ZoneId.of` reads them: tz database regions (`Europe/Paris`) and offsets (`+02:00`)."""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_OFFSET = re.compile(
    r"^(?P<prefix>UTC|GMT|UT)?(?:(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2})(?::?(?P<seconds>\d{2}))?)?)?$"
)


def parse_zone(zone_id: str) -> tzinfo:
    """The time zone named by `zone_id`; raise ValueError with Kestra's message when there is none."""
    if zone_id == "Z":
        return UTC
    match = _OFFSET.match(zone_id)
    if match and (match["prefix"] or match["sign"]):
        if not match["sign"]:
            return UTC
        hours, minutes, seconds = int(match["hours"]), int(match["minutes"] or 0), int(match["seconds"] or 0)
        if hours <= 18 and minutes < 60 and seconds < 60:
            offset = timedelta(hours=hours, minutes=minutes, seconds=seconds)
            return timezone(-offset if match["sign"] == "-" else offset)
    else:
        try:
            return ZoneInfo(zone_id)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    raise ValueError(f"timezone '{zone_id}' is not a valid time-zone ID")


def zone_problem(zone_id: str) -> str | None:
    """Why `zone_id` is not a time zone, or None."""
    try:
        parse_zone(zone_id)
    except ValueError as exc:
        return str(exc)
    return None
