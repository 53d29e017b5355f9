"""io.kestra.plugin.core.flow.LoopUntil"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import ClassVar

from pydantic import Field, PositiveInt

from choreo.model.base import Part
from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import Task, Tasks
from choreo.model.types import Duration, Dynamic, Text


class CheckFrequency(Part):
    """How often the loop runs and when it gives up."""

    interval: Dynamic[Duration] = Field(
        default=timedelta(minutes=1), description="Delay between two iterations.", examples=["PT10S"]
    )
    max_iterations: Dynamic[PositiveInt] | None = Field(
        default=None, description="Stop after this many iterations; no limit when unset.", examples=[10]
    )
    max_duration: Dynamic[Duration] | None = Field(
        default=None, description="Stop once the loop has run this long; no limit when unset.", examples=["PT1H"]
    )


class LoopUntil(Task):
    """Run the tasks again and again until the condition, evaluated after each iteration, is true.

    The iteration number is `{{ outputs.<this id>.iterationCount }}`.

    ```yaml
    - id: loop
      type: io.kestra.plugin.core.flow.LoopUntil
      condition: "{{ outputs.return.value == '4' }}"
      checkFrequency:
        interval: PT1S
        maxIterations: 10
      tasks:
        - id: return
          type: io.kestra.plugin.core.debug.Return
          format: "{{ outputs.loop.iterationCount }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.LoopUntil"
    task_kind = "flowable"

    condition: Dynamic[Text] = Field(
        description="Rendered after each iteration; the loop ends when it is true (`false`, `0`, `-0`, empty "
        "and null are false).",
        examples=["{{ outputs.check.value == 'done' }}"],
    )
    tasks: Tasks = Field(min_length=1, description="The tasks of one iteration, in order.")
    errors: Tasks | None = Field(default=None, description="Tasks to run when a child task fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )
    fail_on_max_reached: Dynamic[bool] = Field(
        default=False, description="End FAILED (instead of SUCCESS) when `maxIterations` or `maxDuration` stops it."
    )
    check_frequency: CheckFrequency = Field(
        default_factory=CheckFrequency, description="How often the loop runs and when it gives up."
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        frequency = self.check_frequency
        for name, value in (("interval", frequency.interval), ("maxDuration", frequency.max_duration)):
            if isinstance(value, timedelta) and value <= timedelta(0):
                yield Problem(("checkFrequency", name), "must be a positive duration")
