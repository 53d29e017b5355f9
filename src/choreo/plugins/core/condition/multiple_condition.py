"""io.kestra.plugin.core.condition.MultipleCondition (deprecated: use Flow trigger `preconditions`)"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition, ConditionMap
from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import TASK_ID_PATTERN
from choreo.model.types import Duration
from choreo.plugins.core.condition._time_window import TimeWindow
from choreo.plugins.core.parts import deprecated_property


class MultipleCondition(Condition):
    """Hold once every named condition has been met by some execution within the time window.

    Deprecated in favour of the Flow trigger's `preconditions`. Each condition's result is remembered per window,
    under this condition's `id` and the condition's key.

    ```yaml
    triggers:
      - id: multiple-listen-flow
        type: io.kestra.plugin.core.trigger.Flow
        conditions:
          - id: multiple
            type: io.kestra.plugin.core.condition.MultipleCondition
            timeWindow:
              window: PT12H
            conditions:
              flow-a:
                type: io.kestra.plugin.core.condition.ExecutionFlow
                namespace: company.team
                flowId: flow-a
              flow-b:
                type: io.kestra.plugin.core.condition.ExecutionFlow
                namespace: company.team
                flowId: flow-b
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.MultipleCondition"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.models.conditions.types.MultipleCondition",)
    deprecated: ClassVar[str | None] = "use the `preconditions` of io.kestra.plugin.core.trigger.Flow instead"

    id: str = Field(
        pattern=TASK_ID_PATTERN,
        description="Unique id of the condition; the evaluation results of the window are stored under it.",
        examples=["multiple"],
    )
    time_window: TimeWindow = Field(
        default_factory=TimeWindow, description="The window in which all conditions must be met (default: one day)."
    )
    reset_on_success: bool = Field(
        default=True,
        description="Forget the results once all conditions were met, so they must all be met again in the same "
        "window before the trigger fires again.",
    )
    window: Duration | None = Field(default=None, description="Deprecated: use `timeWindow.window`.", examples=["P1D"])
    window_advance: Duration | None = Field(
        default=None, description="Deprecated: use `timeWindow.windowAdvance`.", examples=["PT6H"]
    )
    conditions: ConditionMap = Field(
        min_length=1,
        description="The conditions to meet, by a key unique in the trigger (the key stores each result).",
    )

    @property
    def effective_time_window(self) -> TimeWindow:
        """`timeWindow` with the deprecated `window` and `windowAdvance` applied over it, as Kestra does."""
        updates = {}
        if self.window is not None:
            updates["window"] = self.window
        if self.window_advance is not None:
            updates["window_advance"] = self.window_advance
        return self.time_window.model_copy(update=updates) if updates else self.time_window

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        yield from self.effective_time_window.problems(("timeWindow",))
        for field, key in (("window", "window"), ("window_advance", "windowAdvance")):
            warning = deprecated_property(self, field, f"use timeWindow.{key} instead")
            if warning:
                yield warning
