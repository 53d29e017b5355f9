"""io.kestra.plugin.core.trigger.Toggle"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class Toggle(Task):
    """Enable or disable a trigger of a flow (the current flow by default).

    ```yaml
    - id: disable_schedule
      type: io.kestra.plugin.core.trigger.Toggle
      trigger: schedule
      enabled: false
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.trigger.Toggle"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.trigger.Toggle",)

    namespace: Dynamic[str] | None = Field(
        default=None, description="Namespace of the flow of the trigger; the current flow's when unset."
    )
    flow_id: Dynamic[str] | None = Field(
        default=None, description="Id of the flow of the trigger; the current flow when unset."
    )
    trigger: Dynamic[str] = Field(description="Id of the trigger to toggle.", examples=["schedule"])
    enabled: bool = Field(default=False, description="Enable (true) or disable (false) the trigger.")
