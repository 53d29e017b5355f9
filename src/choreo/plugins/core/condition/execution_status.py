"""io.kestra.plugin.core.condition.ExecutionStatus"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition
from choreo.model.state import State


class ExecutionStatus(Condition):
    """Hold when the state of the execution that fired the trigger is in `in` and not in `notIn`.

    ```yaml
    triggers:
      - id: on_failure
        type: io.kestra.plugin.core.trigger.Flow
        conditions:
          - type: io.kestra.plugin.core.condition.ExecutionStatus
            in: [FAILED, KILLED]
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.ExecutionStatus"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.ExecutionStatusCondition",
        "io.kestra.plugin.core.condition.ExecutionStatusCondition",
    )

    in_: list[State] | None = Field(
        default=None, alias="in", description="States that are allowed (any, when unset).", examples=[["SUCCESS"]]
    )
    not_in: list[State] | None = Field(
        default=None, description="States that are not allowed.", examples=[["FAILED", "KILLED"]]
    )
