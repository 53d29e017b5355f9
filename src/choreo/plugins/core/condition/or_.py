"""io.kestra.plugin.core.condition.Or"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition, Conditions


class Or(Condition):
    """Hold when at least one of the nested conditions holds.

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.Or
        conditions:
          - type: io.kestra.plugin.core.condition.DayWeek
            dayOfWeek: MONDAY
          - type: io.kestra.plugin.core.condition.DayWeek
            dayOfWeek: SUNDAY
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.Or"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.OrCondition",
        "io.kestra.plugin.core.condition.OrCondition",
    )
    schedule_condition: ClassVar[bool] = True

    conditions: Conditions = Field(min_length=1, description="The alternatives: one of them must hold.")
