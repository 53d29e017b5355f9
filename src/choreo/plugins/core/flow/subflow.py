"""io.kestra.plugin.core.flow.Subflow"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field, PositiveInt

from choreo.model.labels import Labels, system_label_problems
from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.core.parts import RestartBehavior, deprecated_property


class Subflow(Task):
    """Start an execution of another flow, wait for it by default, and expose its outputs.

    Outputs `executionId`, `state` and `outputs` (the child flow's outputs).

    ```yaml
    - id: call_subflow
      type: io.kestra.plugin.core.flow.Subflow
      namespace: company.team
      flowId: subflow
      inputs:
        user: Rick Astley
      wait: true
      transmitFailed: true
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.Subflow"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.tasks.flows.Subflow",
        "io.kestra.core.tasks.flows.Flow",
        "io.kestra.plugin.core.flow.Flow",
    )
    task_kind = "executable"

    namespace: Dynamic[str] = Field(
        min_length=1, description="Namespace of the flow to run.", examples=["company.team"]
    )
    flow_id: Dynamic[str] = Field(description="Id of the flow to run.", examples=["subflow"])
    revision: Dynamic[PositiveInt] | None = Field(
        default=None, description="Revision of the flow to run; the latest when unset.", examples=[3]
    )
    inputs: dict[str, Any] | None = Field(
        default=None, description="Inputs of the child execution (values are rendered).", examples=[{"user": "Rick"}]
    )
    labels: Labels | None = Field(
        default=None, description="Labels of the child execution, as a map or a list of `{key, value}`."
    )
    wait: bool = Field(default=True, description="Wait for the child execution to end before going on.")
    transmit_failed: bool = Field(
        default=True,
        description="Fail this task when the child execution fails or is killed (only when `wait` is true).",
    )
    inherit_labels: Dynamic[bool] = Field(
        default=False, description="Copy the labels of the current execution onto the child execution."
    )
    schedule_date: Dynamic[datetime] | None = Field(
        default=None,
        description="Schedule the child execution for this date instead of starting it now.",
        examples=["{{ now() | dateAdd(1, 'HOURS') }}"],
    )
    restart_behavior: RestartBehavior = Field(
        default=RestartBehavior.RETRY_FAILED,
        description="On restart: RETRY_FAILED restarts the failed child execution, NEW_EXECUTION creates a new one.",
    )
    outputs: dict[str, Any] | None = Field(
        default=None,
        description="Deprecated: values extracted from the child execution; declare `outputs` on the child flow.",
        json_schema_extra={"deprecated": True},
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        yield from child_flow_problems(self.namespace, self.flow_id, self.labels, scope)
        warning = deprecated_property(self, "outputs", "declare the outputs on the subflow itself")
        if warning:
            yield warning


def child_flow_problems(
    namespace: Any, flow_id: Any, labels: Labels | None, scope: ValidationScope
) -> Iterable[Problem]:
    """Checks shared by the tasks that start child executions: no call to the flow itself, no system labels."""
    if scope.flow_id and flow_id == scope.flow_id and namespace == scope.namespace:
        yield Problem((), f"Invalid Flow: Recursive call to flow [{scope.namespace}.{scope.flow_id}]")
    for message in system_label_problems(labels or []):
        yield Problem(("labels",), message)
