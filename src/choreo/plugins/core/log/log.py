"""io.kestra.plugin.core.log.Log"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import LogLevel, Task
from choreo.model.types import Dynamic


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
