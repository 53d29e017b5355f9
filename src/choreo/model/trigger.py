"""The common part of every trigger (Kestra's `AbstractTrigger`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, ClassVar, Literal

from pydantic import Field, SerializeAsAny

from choreo.model.condition import Conditions
from choreo.model.labels import Labels
from choreo.model.plugin import PluginModel, Problem, ValidationScope
from choreo.model.state import State
from choreo.model.task import TASK_ID_PATTERN, LogLevel, WorkerGroup, check_worker_group
from choreo.model.types import PluginSlot


class Trigger(PluginModel):
    """Common properties of every trigger."""

    plugin_kind: ClassVar[Literal["trigger"]] = "trigger"
    #: schedule, flow, webhook, polling or realtime: who evaluates the trigger.
    trigger_kind: ClassVar[str] = "polling"

    id: str = Field(
        pattern=TASK_ID_PATTERN,
        max_length=100,
        description="Unique identifier of the trigger in the flow.",
        examples=["daily"],
    )
    description: str | None = Field(default=None, description="What the trigger is for.")
    conditions: Conditions | None = Field(default=None, description="All must hold for the trigger to fire.")
    disabled: bool = Field(default=False, description="A disabled trigger never fires.")
    worker_group: WorkerGroup | None = Field(default=None, description="Evaluate only on workers of this group.")
    log_level: LogLevel | None = Field(default=None, description="Minimum level of the trigger's logs.")
    log_to_file: bool = Field(default=False, description="Store the trigger's logs in a file.")
    labels: Labels | None = Field(default=None, description="Labels added to the executions the trigger creates.")
    stop_after: list[State] | None = Field(
        default=None,
        description="Disable the trigger once an execution it created ends in one of these states.",
        examples=[["FAILED"]],
    )
    allow_concurrent: bool = Field(
        default=False, description="Fire even while the execution it created last is still running."
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from check_worker_group(self.worker_group, scope)


class InvalidTrigger(Trigger):
    type_name: ClassVar[str] = ""


Triggers = Annotated[list[SerializeAsAny[Trigger]], PluginSlot("trigger", "list")]
