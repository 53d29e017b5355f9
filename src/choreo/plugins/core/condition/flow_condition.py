"""io.kestra.plugin.core.condition.FlowCondition (deprecated)"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition


class FlowCondition(Condition):
    """Deprecated: hold when the execution belongs to this flow. Use `ExecutionFlow` instead.

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.FlowCondition
        namespace: company.team
        flowId: upstream
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.FlowCondition"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.models.conditions.types.FlowCondition",)
    deprecated: ClassVar[str | None] = "use io.kestra.plugin.core.condition.ExecutionFlow instead"

    namespace: str = Field(min_length=1, description="The namespace of the flow.", examples=["company.team"])
    flow_id: str = Field(min_length=1, description="The id of the flow.", examples=["upstream"])
