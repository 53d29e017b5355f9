"""io.kestra.plugin.core.flow.AllowFailure"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task, Tasks


class AllowFailure(Task):
    """Run tasks in order; a failure among them ends this group in WARNING and the execution goes on.

    Deprecated: set `allowFailure: true` on the task (or on a Sequential group) instead.

    ```yaml
    - id: allow_failure
      type: io.kestra.plugin.core.flow.AllowFailure
      tasks:
        - id: ko
          type: io.kestra.plugin.core.execution.Fail
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.AllowFailure"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.flows.AllowFailure",)
    deprecated: ClassVar[str | None] = "set the allowFailure property on the task instead"
    task_kind = "flowable"

    tasks: Tasks = Field(min_length=1, description="The tasks to run, in order.")
    errors: Tasks | None = Field(default=None, description="Tasks to run when one of `tasks` fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )
