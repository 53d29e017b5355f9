"""io.kestra.plugin.core.condition.DayWeekInMonth"""

from __future__ import annotations

import enum
from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition
from choreo.model.types import Dynamic
from choreo.plugins.core.condition._dates import DayOfWeek, date_field


class DayInMonth(enum.StrEnum):
    FIRST = "FIRST"
    LAST = "LAST"
    SECOND = "SECOND"
    THIRD = "THIRD"
    FOURTH = "FOURTH"


class DayWeekInMonth(Condition):
    """Hold when `date` is the first, second, third, fourth or last given weekday of its month.

    ```yaml
    triggers:
      - id: schedule
        type: io.kestra.plugin.core.trigger.Schedule
        cron: "0 11 * * *"
        conditions:
          - type: io.kestra.plugin.core.condition.DayWeekInMonth
            dayOfWeek: MONDAY
            dayInMonth: FIRST
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.DayWeekInMonth"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.DayWeekInMonthCondition",
        "io.kestra.plugin.core.condition.DayWeekInMonthCondition",
    )
    schedule_condition: ClassVar[bool] = True

    date: Dynamic[str] = date_field("date or datetime")
    day_of_week: Dynamic[DayOfWeek] = Field(description="The day of the week.", examples=["MONDAY"])
    day_in_month: Dynamic[DayInMonth] = Field(
        description="Which occurrence of that weekday in the month: FIRST, SECOND, THIRD, FOURTH or LAST.",
        examples=["FIRST"],
    )
