"""io.kestra.plugin.core.log.Log"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import LogLevel, Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext


class Log(Task):
    """Log one message, or each message of a list, at the given level.

    ```yaml
    - id: hello
      type: io.kestra.plugin.core.log.Log
      message: "Hello {{ inputs.name }}"
      level: INFO
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.log.Log"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.log.Log",)

    message: Dynamic[str | list[str]] = Field(
        description="The message, or a list of messages, to log.", examples=["Hello {{ inputs.name }}"]
    )
    level: LogLevel = Field(default=LogLevel.INFO, description="The log level.")

    async def run(self, ctx: RunContext) -> dict[str, Any] | None:
        rendered = ctx.render(self.message)
        for message in [rendered] if isinstance(rendered, str) else rendered:
            ctx.logger.log(self.level.value, message)
        return None
