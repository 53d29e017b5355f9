"""io.kestra.plugin.core.condition.ExecutionLabels"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition
from choreo.model.labels import Labels


class ExecutionLabels(Condition):
    """Hold when the execution that fired the trigger carries all these labels.

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionLabels
        labels:
          owner: john.doe
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.ExecutionLabels"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.ExecutionLabelsCondition",
        "io.kestra.plugin.core.condition.ExecutionLabelsCondition",
    )

    labels: Labels = Field(
        description="Labels the execution must carry, as a map or a list of `{key, value}`.",
        examples=[{"owner": "john.doe"}],
    )
