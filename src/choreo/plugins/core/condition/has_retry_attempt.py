"""io.kestra.plugin.core.condition.HasRetryAttempt"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition
from choreo.model.state import State


class HasRetryAttempt(Condition):
    """Hold when a task run of the execution has more than one attempt in a state of `in` and none of `notIn`.

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.HasRetryAttempt
        in: [KILLED]
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.HasRetryAttempt"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.HasRetryAttemptCondition",
        "io.kestra.plugin.core.condition.HasRetryAttemptCondition",
    )

    in_: list[State] | None = Field(
        default=None, alias="in", description="Attempt states that are allowed.", examples=[["KILLED"]]
    )
    not_in: list[State] | None = Field(default=None, description="Attempt states that are not allowed.")
