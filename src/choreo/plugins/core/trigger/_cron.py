"""Cron expressions as Kestra's Schedule reads them (cron-utils, unix definition plus nicknames), checked with cronsim.

Five fields (minute hour day-of-month month day-of-week), or six with the seconds first when `withSeconds` is
true; the nicknames `@yearly @annually @monthly @weekly @daily @midnight @hourly`. Like Kestra, the Quartz
extensions `L`, `W`, `#` and `?` are not accepted.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime

from cronsim import CronSim, CronSimError

NICKNAMES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}

_FIELDS = ("minute", "hour", "day-of-month", "month", "day-of-week")
_NAMES = {
    "month": {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"},
    "day-of-week": {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"},
}
_ATOM_SEPARATORS = re.compile(r"[,/-]")
#: Where the search for a first firing date starts, so that the check does not depend on today's date.
_CHECK_START = datetime(2000, 1, 1, tzinfo=UTC)


class CronInvalid(ValueError):
    """A cron expression Kestra's Schedule would not accept, or one that can never fire."""


def normalize_cron(expression: str, *, with_seconds: bool = False) -> str:
    """The expression as cronsim reads it (nicknames expanded, whitespace collapsed); raise CronInvalid otherwise."""
    text = " ".join(expression.split())
    if text.startswith("@"):
        if text not in NICKNAMES:
            raise CronInvalid(f"unknown nickname '{text}' (known: {', '.join(NICKNAMES)})")
        text = NICKNAMES[text]
        return f"0 {text}" if with_seconds else text
    fields = text.split(" ") if text else []
    names = ("second", *_FIELDS) if with_seconds else _FIELDS
    if len(fields) != len(names):
        hint = ""
        if not with_seconds and len(fields) == 6:
            hint = "; set `withSeconds: true` to use a leading seconds field"
        elif with_seconds and len(fields) == 5:
            hint = "; with `withSeconds: true` the seconds field comes first"
        raise CronInvalid(f"expected {len(names)} fields ({' '.join(names)}), got {len(fields)}{hint}")
    for name, value in zip(names, fields, strict=True):
        for atom in _ATOM_SEPARATORS.split(value):
            if atom == "*" or atom.isdigit() or atom.upper() in _NAMES.get(name, ()):
                continue
            raise CronInvalid(f"invalid value '{value}' in the {name} field")
    return text


@functools.lru_cache(maxsize=4096)
def check_cron(expression: str, *, with_seconds: bool = False) -> str:
    """The normalized expression when it parses and can fire at least once; raise CronInvalid otherwise.
    Cached: the scheduler asks for every due trigger's expression at each evaluation."""
    text = normalize_cron(expression, with_seconds=with_seconds)
    try:
        next(CronSim(text, _CHECK_START))
    except CronSimError as exc:
        fields = text.split(" ")
        month = len(fields) - 2
        if str(exc) == "Bad day-of-month" and _parses(" ".join([*fields[:month], "*", fields[-1]])):
            raise CronInvalid(
                f"it can never fire: no month matching '{fields[month]}' has a day {fields[month - 1]}"
            ) from exc
        raise CronInvalid(str(exc).replace("Bad ", "invalid ")) from exc
    except StopIteration as exc:
        raise CronInvalid("it never fires") from exc
    return text


def cron_problem(expression: str, *, with_seconds: bool = False) -> str | None:
    """Why the expression is rejected, or None."""
    try:
        check_cron(expression, with_seconds=with_seconds)
    except CronInvalid as exc:
        return str(exc)
    return None


def _parses(text: str) -> bool:
    try:
        CronSim(text, _CHECK_START)
    except CronSimError:
        return False
    return True
