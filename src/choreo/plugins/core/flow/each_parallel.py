"""io.kestra.plugin.core.flow.EachParallel"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, NonNegativeInt

from choreo.model.task import Task, Tasks
from choreo.model.types import Dynamic


class EachParallel(Task):
    """Run each child task once per value, all at the same time (deprecated: use ForEach with concurrencyLimit).

    ```yaml
    - id: each
      type: io.kestra.plugin.core.flow.EachParallel
      value: [1, 2, 3]
      tasks:
        - id: return
          type: io.kestra.plugin.core.debug.Return
          format: "{{ taskrun.value }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.EachParallel"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.flows.EachParallel",)
    deprecated: ClassVar[str | None] = "use io.kestra.plugin.core.flow.ForEach instead"
    task_kind = "flowable"

    value: Dynamic[list[Any] | str] = Field(
        description="The values to iterate over: a list, or a JSON array string (which may be a template).",
        examples=[[1, 2, 3], '["a", "b"]'],
    )
    concurrent: Dynamic[NonNegativeInt] = Field(
        default=0, description="How many task runs may run at once; 0 means no limit.", examples=[2]
    )
    tasks: Tasks = Field(min_length=1, description="The tasks to run for each value.")
    errors: Tasks | None = Field(default=None, description="Tasks to run when a child task fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )
