"""io.kestra.plugin.core.flow.Sequential"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task, Tasks


class Sequential(Task):
    """Run tasks one after the other, as a group with its own `errors` and `finally` branches.

    ```yaml
    - id: group
      type: io.kestra.plugin.core.flow.Sequential
      tasks:
        - id: first
          type: io.kestra.plugin.core.log.Log
          message: one
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.Sequential"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.flows.Sequential",)
    task_kind = "flowable"

    tasks: Tasks = Field(min_length=1, description="The tasks to run, in order.")
    errors: Tasks | None = Field(default=None, description="Tasks to run when one of `tasks` fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end of the group, whatever its outcome."
    )
