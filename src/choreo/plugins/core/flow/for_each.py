"""io.kestra.plugin.core.flow.ForEach"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, NonNegativeInt

from choreo.model.task import Task, Tasks
from choreo.model.types import Dynamic


class ForEach(Task):
    """Run a group of tasks once per value, at most `concurrencyLimit` groups at once (0 = no limit).

    Child tasks see the current value as `{{ taskrun.value }}` (`{{ parent.taskrun.value }}` further down) and its
    position as `{{ taskrun.iteration }}`; their outputs are keyed by value.

    ```yaml
    - id: for_each
      type: io.kestra.plugin.core.flow.ForEach
      values: ["value 1", "value 2", "value 3"]
      concurrencyLimit: 2
      tasks:
        - id: return
          type: io.kestra.plugin.core.debug.Return
          format: "{{ task.id }} with value {{ taskrun.value }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.ForEach"
    task_kind = "flowable"

    values: Dynamic[list[Any] | str] = Field(
        description="The values to iterate over: a list, or a JSON array string (which may be a template).",
        examples=[["a", "b"], '["a", "b"]', "{{ outputs.query.rows }}"],
    )
    concurrency_limit: Dynamic[NonNegativeInt] = Field(
        default=1, description="How many value groups may run at once; 0 means no limit.", examples=[0, 4]
    )
    tasks: Tasks = Field(min_length=1, description="The tasks to run for each value, in order.")
    errors: Tasks | None = Field(default=None, description="Tasks to run when a child task fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )
