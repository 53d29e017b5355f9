"""io.kestra.plugin.core.condition.Weekend"""

from __future__ import annotations

from typing import ClassVar

from choreo.model.condition import Condition
from choreo.model.types import Dynamic
from choreo.plugins.core.condition._dates import date_field


class Weekend(Condition):
    """Hold when `date` falls on a Saturday or a Sunday.

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.Weekend
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.Weekend"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.WeekendCondition",
        "io.kestra.plugin.core.condition.WeekendCondition",
    )
    schedule_condition: ClassVar[bool] = True

    date: Dynamic[str] = date_field("date or datetime")
