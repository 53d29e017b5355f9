"""io.kestra.plugin.core.condition.ExecutionFlow"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition


class ExecutionFlow(Condition):
    """Hold when the execution that fired the trigger belongs to this flow.

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.team
        flowId: upstream
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.ExecutionFlow"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.ExecutionFlowCondition",
        "io.kestra.plugin.core.condition.ExecutionFlowCondition",
    )

    namespace: str = Field(min_length=1, description="The namespace of the flow.", examples=["company.team"])
    flow_id: str = Field(min_length=1, description="The id of the flow.", examples=["upstream"])
