"""io.kestra.plugin.core.condition.DayWeek"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition
from choreo.model.types import Dynamic
from choreo.plugins.core.condition._dates import DayOfWeek, date_field


class DayWeek(Condition):
    """Hold when `date` falls on the given day of the week.

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.DayWeek
        dayOfWeek: MONDAY
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.DayWeek"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.DayWeekCondition",
        "io.kestra.plugin.core.condition.DayWeekCondition",
    )
    schedule_condition: ClassVar[bool] = True

    date: Dynamic[str] = date_field("date or datetime")
    day_of_week: Dynamic[DayOfWeek] = Field(description="The day of the week.", examples=["MONDAY"])
