"""io.kestra.plugin.core.flow.Pause"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import Task, Tasks
from choreo.model.types import Duration, Dynamic
from choreo.plugins.core.parts import deprecated_property


class PauseBehavior(enum.StrEnum):
    RESUME = "RESUME"
    WARN = "WARN"
    CANCEL = "CANCEL"
    FAIL = "FAIL"


class Pause(Task):
    """Pause the execution until it is resumed (UI, API, Resume task) or `pauseDuration` has passed.

    When `onResume` declares inputs, resuming asks for them; the values are the `onResume` output.

    ```yaml
    - id: wait_for_approval
      type: io.kestra.plugin.core.flow.Pause
      pauseDuration: PT1H
      behavior: WARN
      onResume:
        - id: approved
          type: BOOLEAN
          defaults: true
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.Pause"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.flows.Pause",)
    task_kind = "flowable"

    pause_duration: Dynamic[Duration] | None = Field(
        default=None,
        description="Resume (or apply `behavior`) after this long; wait for a manual resume when unset.",
        examples=["PT5M"],
    )
    delay: Dynamic[Duration] | None = Field(
        default=None,
        description="Deprecated name of `pauseDuration`.",
        examples=["PT5M"],
        json_schema_extra={"deprecated": True},
    )
    behavior: Dynamic[PauseBehavior] = Field(
        default=PauseBehavior.RESUME,
        description="What happens when `pauseDuration` is reached: RESUME goes on, WARN ends the task in WARNING, "
        "FAIL fails it, CANCEL cancels the execution. A manual resume always succeeds.",
    )
    on_resume: list[dict[str, Any]] | None = Field(
        default=None,
        description="Inputs to ask for when the execution is resumed, declared like flow inputs "
        "(`id`, `type`, `defaults`, `required`…); their values become the `onResume` output.",
        examples=[[{"id": "approved", "type": "BOOLEAN", "defaults": True}]],
    )
    errors: Tasks | None = Field(default=None, description="Tasks to run when a child task fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )
    tasks: Tasks | None = Field(
        default=None,
        description="Deprecated: tasks to run after the pause; put them after the Pause task instead.",
        json_schema_extra={"deprecated": True},
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        for field, hint in (
            ("delay", "use pauseDuration instead"),
            ("tasks", "put the tasks after the Pause task instead"),
        ):
            warning = deprecated_property(self, field, hint)
            if warning:
                yield warning
