"""io.kestra.plugin.core.flow.Parallel"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, NonNegativeInt

from choreo.model.task import Task, Tasks
from choreo.model.types import Dynamic


class Parallel(Task):
    """Run tasks at the same time, at most `concurrent` of them at once (0 = no limit).

    ```yaml
    - id: parallel
      type: io.kestra.plugin.core.flow.Parallel
      concurrent: 2
      tasks:
        - id: first
          type: io.kestra.plugin.core.debug.Return
          format: "{{ task.id }}"
        - id: second
          type: io.kestra.plugin.core.debug.Return
          format: "{{ task.id }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.Parallel"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.flows.Parallel",)
    task_kind = "flowable"

    concurrent: Dynamic[NonNegativeInt] = Field(
        default=0, description="How many child tasks may run at once; 0 means no limit.", examples=[2]
    )
    fail_fast: Dynamic[bool] = Field(
        default=False,
        description="On the first child failure, kill the children still running instead of letting them finish.",
    )
    tasks: Tasks = Field(min_length=1, description="The tasks to run in parallel.")
    errors: Tasks | None = Field(default=None, description="Tasks to run when one of `tasks` fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )
