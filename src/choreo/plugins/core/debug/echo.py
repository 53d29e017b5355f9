"""io.kestra.plugin.core.debug.Echo"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import LogLevel, Task
from choreo.model.types import Dynamic, NonEmptyText
from choreo.plugins.context import RunContext


class Echo(Task):
    """Log a rendered message (deprecated: use Log).

    ```yaml
    - id: echo
      type: io.kestra.plugin.core.debug.Echo
      format: "{{ task.id }} > {{ taskrun.startDate }}"
      level: INFO
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.debug.Echo"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.debugs.Echo",)
    deprecated: ClassVar[str | None] = "use io.kestra.plugin.core.log.Log instead"

    format: Dynamic[NonEmptyText] = Field(description="The message to render and log.", examples=["{{ task.id }}"])
    level: LogLevel = Field(default=LogLevel.INFO, description="The log level.")

    async def run(self, ctx: RunContext) -> dict[str, Any] | None:
        ctx.logger.log(self.level.value, ctx.render(self.format))
        return None
