"""io.kestra.plugin.core.flow.EachSequential"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task, Tasks
from choreo.model.types import Dynamic


class EachSequential(Task):
    """Run a group of tasks once per value, one value after the other (deprecated: use ForEach).

    ```yaml
    - id: each
      type: io.kestra.plugin.core.flow.EachSequential
      value: ["value 1", "value 2"]
      tasks:
        - id: return
          type: io.kestra.plugin.core.debug.Return
          format: "{{ taskrun.value }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.EachSequential"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.flows.EachSequential",)
    deprecated: ClassVar[str | None] = "use io.kestra.plugin.core.flow.ForEach instead"
    task_kind = "flowable"

    value: Dynamic[list[Any] | str] = Field(
        description="The values to iterate over: a list, or a JSON array string (which may be a template).",
        examples=[["a", "b"], '["a", "b"]'],
    )
    tasks: Tasks = Field(min_length=1, description="The tasks to run for each value, in order.")
    errors: Tasks | None = Field(default=None, description="Tasks to run when a child task fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )
