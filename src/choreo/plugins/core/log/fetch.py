"""io.kestra.plugin.core.log.Fetch"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import LogLevel, Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext


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

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        execution_id = ctx.render(self.execution_id) if self.execution_id else None
        task_ids = ctx.render(self.tasks_id) if self.tasks_id else None
        level = str(ctx.render(self.level))
        lines = ctx.fetch_logs(execution_id, task_ids, level)
        path = ctx.working_dir() / "logs.ion"
        # Ion's text format reads JSON, one value per line.
        path.write_text("".join(json.dumps(line, default=str) + "\n" for line in lines), encoding="utf-8")
        return {"uri": ctx.put_file(path, "logs.ion"), "size": len(lines)}
