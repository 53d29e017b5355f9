"""io.kestra.plugin.core.execution.Labels"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.base import Part
from choreo.model.task import Task
from choreo.model.types import Dynamic, Text


class LabelEntry(Part):
    """One label as `{key, value}`."""

    key: Text = Field(description="Label key (rendered).")
    value: Any = Field(description="Label value (rendered; a map is written as JSON).")


class Labels(Task):
    """Add labels to the current execution, or change existing ones, while it runs.

    ```yaml
    - id: labels
      type: io.kestra.plugin.core.execution.Labels
      labels:
        customerId: "{{ trigger.body.customerId }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.execution.Labels"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.executions.Labels",)

    labels: Dynamic[dict[str, Any] | list[LabelEntry]] = Field(
        description="The labels: a map, a list of `{key, value}`, or a template rendering to a JSON object. "
        "Keys and values are rendered.",
        examples=[{"team": "data"}, "{{ inputs.labelsJson }}"],
    )
