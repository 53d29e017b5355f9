"""io.kestra.plugin.core.condition.ExecutionOutputs"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition
from choreo.model.types import Dynamic


class ExecutionOutputs(Condition):
    """Hold when the execution that fired the trigger has outputs and `expression` renders truthy.

    The upstream flow outputs are available as `trigger.outputs`. An empty or blank result, or `false`, is false.

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionOutputs
        expression: "{{ trigger.outputs.status_code == '200' }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.ExecutionOutputs"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.ExecutionOutputsCondition",
        "io.kestra.plugin.core.condition.ExecutionOutputsCondition",
    )
    schedule_condition: ClassVar[bool] = True

    expression: Dynamic[str] = Field(
        min_length=1,
        description="Expression rendered with `trigger.outputs`; the condition holds when it is truthy.",
        examples=["{{ trigger.outputs.status_code == '200' }}"],
    )
