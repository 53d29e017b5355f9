"""The common part of the deprecated state tasks (Kestra's `AbstractState`); not a type of its own."""

from __future__ import annotations

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class AbstractState(Task):
    """Which state file a state task reads or writes."""

    name: Dynamic[str] = Field(default="default", description="Name of the state file.")
    namespace: Dynamic[bool] = Field(
        default=False, description="Share the state with the whole namespace instead of this flow only."
    )
    taskrun_value: Dynamic[bool] = Field(
        default=True, description="Keep a separate state per `taskrun.value` (inside loops)."
    )
