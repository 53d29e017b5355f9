"""Shared parts of the date conditions: the day-of-week names and the `date` property they all test."""

from __future__ import annotations

import enum
from typing import Any

from pydantic import Field

#: The default `date` of the date conditions: the date the trigger is evaluated for.
TRIGGER_DATE = "{{ trigger.date }}"


class DayOfWeek(enum.StrEnum):
    MONDAY = "MONDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"
    THURSDAY = "THURSDAY"
    FRIDAY = "FRIDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"


def date_field(what: str = "datetime") -> Any:
    """The `date` property: the date to test, `{{ trigger.date }}` unless set."""
    return Field(
        default=TRIGGER_DATE,
        min_length=1,
        description=f"The date to test: any expression or ISO 8601 {what}. Defaults to the trigger date.",
        examples=[TRIGGER_DATE, "{{ execution.startDate }}"],
    )
