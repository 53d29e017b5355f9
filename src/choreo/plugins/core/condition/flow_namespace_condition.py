"""io.kestra.plugin.core.condition.FlowNamespaceCondition (deprecated)"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition


class FlowNamespaceCondition(Condition):
    """Deprecated: hold when the execution's namespace equals `namespace` (or starts with it when `prefix` is true).

    Use `ExecutionNamespace` instead.

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.FlowNamespaceCondition
        namespace: company
        prefix: true
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.FlowNamespaceCondition"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.models.conditions.types.FlowNamespaceCondition",)
    deprecated: ClassVar[str | None] = "use io.kestra.plugin.core.condition.ExecutionNamespace instead"

    namespace: str = Field(
        min_length=1, description="The namespace, or its prefix when `prefix` is true.", examples=["company.team"]
    )
    prefix: bool = Field(default=False, description="Compare by prefix (case-sensitive) instead of equality.")
