"""io.kestra.plugin.core.output.OutputValues"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed


class OutputValues(Task):
    """Render values and expose them as the `values` output.

    ```yaml
    - id: output_values
      type: io.kestra.plugin.core.output.OutputValues
      values:
        taskrun_data: "{{ task.id }} > {{ taskrun.startDate }}"
        count: 3
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.output.OutputValues"

    values: Dynamic[dict[str, Any]] | None = Field(
        default=None,
        description="The values to output, by name; strings in them are rendered.",
        examples=[{"count": "{{ outputs.extract.rows | length }}"}],
    )

    async def run(self, ctx: RunContext) -> dict[str, Any] | None:
        values = ctx.render(self.values or {})
        if isinstance(values, str):  # a template standing for the whole map
            try:
                values = json.loads(values)
            except json.JSONDecodeError:
                values = None
            if not isinstance(values, dict):
                raise TaskFailed("values: the template must render to a map (a JSON object)")
        return {"values": values}
