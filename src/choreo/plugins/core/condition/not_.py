"""io.kestra.plugin.core.condition.Not"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition, Conditions


class Not(Condition):
    """Hold when none of the nested conditions holds.

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.Not
        conditions:
          - type: io.kestra.plugin.core.condition.PublicHoliday
            country: FR
          - type: io.kestra.plugin.core.condition.Weekend
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.Not"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.NotCondition",
        "io.kestra.plugin.core.condition.NotCondition",
    )
    schedule_condition: ClassVar[bool] = True

    conditions: Conditions = Field(
        min_length=1, description="The conditions to exclude: if any of them holds, this condition does not."
    )
