"""io.kestra.plugin.core.flow.Switch"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from pydantic import Field

from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import Task, TaskMap, Tasks
from choreo.model.types import Dynamic, NonEmptyText


class Switch(Task):
    """Run the tasks of the case whose key equals the rendered `value`, or `defaults` when none does.

    Outputs `value` (the rendered value) and `defaults` (true when no case matched).

    ```yaml
    - id: switch
      type: io.kestra.plugin.core.flow.Switch
      value: "{{ inputs.string }}"
      cases:
        FIRST:
          - id: first
            type: io.kestra.plugin.core.debug.Return
            format: "{{ task.id }}"
      defaults:
        - id: default
          type: io.kestra.plugin.core.debug.Return
          format: "{{ task.id }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.Switch"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.flows.Switch",)
    task_kind = "flowable"

    value: Dynamic[NonEmptyText] = Field(
        description="The value to match against the keys of `cases`.", examples=["{{ inputs.string }}"]
    )
    cases: TaskMap | None = Field(
        default=None, description="Tasks to run, by the value that selects them.", examples=[{"FIRST": []}]
    )
    defaults: Tasks | None = Field(default=None, description="Tasks to run when no case matches the value.")
    errors: Tasks | None = Field(default=None, description="Tasks to run when a child task fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        if not self.cases and not self.defaults:
            yield Problem((), f"{self.id}: No task defined, neither cases or default have any tasks")
