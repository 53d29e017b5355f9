"""io.kestra.plugin.core.log.Fetch"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import LogLevel, Task
from choreo.model.types import Dynamic


class Fetch(Task):
    """Write the logs of an execution (the current one by default) to an internal-storage file.

    Outputs `uri` (an ION file, one log per row) and `size` (the number of logs).

    ```yaml
    - id: fetch
      type: io.kestra.plugin.core.log.Fetch
      level: INFO
      tasksId:
        - hello
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.log.Fetch"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.log.Fetch",)

    namespace: Dynamic[str] | None = Field(
        default=None, description="Namespace of the flow of `executionId`, when it is another flow's execution."
    )
    flow_id: Dynamic[str] | None = Field(
        default=None, description="Id of the flow of `executionId`, when it is another flow's execution."
    )
    execution_id: Dynamic[str] | None = Field(
        default=None,
        description="The execution whose logs to fetch; the current one when unset.",
        examples=["{{ trigger.executionId }}"],
    )
    tasks_id: Dynamic[list[str]] | None = Field(
        default=None, description="Only the logs of these task ids.", examples=[["hello"]]
    )
    level: Dynamic[LogLevel] = Field(default=LogLevel.INFO, description="The lowest level of the logs to fetch.")
