"""io.kestra.plugin.core.condition.Expression"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition
from choreo.model.types import Dynamic


class Expression(Condition):
    """Hold when `expression` renders truthy (an empty or blank result, or `false`, is false).

    ```yaml
    triggers:
      - id: webhook
        type: io.kestra.plugin.core.trigger.Webhook
        key: 4wjtkzwVGBM9yKnjm3yv8r
        conditions:
          - type: io.kestra.plugin.core.condition.Expression
            expression: "{{ trigger.body.hello == 'world' }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.Expression"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.VariableCondition",
        "io.kestra.plugin.core.condition.ExpressionCondition",
    )
    schedule_condition: ClassVar[bool] = True

    expression: Dynamic[str] = Field(
        min_length=1,
        description="Expression rendered with the trigger's variables; the condition holds when it is truthy.",
        examples=["{{ trigger.body.hello == 'world' }}"],
    )
