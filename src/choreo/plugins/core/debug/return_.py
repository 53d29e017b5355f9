"""io.kestra.plugin.core.debug.Return"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic, Text
from choreo.plugins.context import RunContext


class Return(Task):
    """Render a template and return it as the `value` output.

    Like Kestra, it also logs the value at DEBUG and reports the metrics `length` (counter) and `duration`
    (timer), tagged with the value.

    ```yaml
    - id: return
      type: io.kestra.plugin.core.debug.Return
      format: "{{ task.id }} > {{ taskrun.startDate }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.debug.Return"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.debugs.Return",)

    format: Dynamic[Text] | None = Field(
        default=None, description="The template to render.", examples=["{{ task.id }} > {{ taskrun.startDate }}"]
    )

    async def run(self, ctx: RunContext) -> dict[str, Any] | None:
        start = time.perf_counter()
        value = None if self.format is None else ctx.render(self.format)
        tags = {} if value is None else {"format": value}
        if value is not None:
            ctx.logger.debug(value)
        ctx.metric("length", len(value or ""), kind="counter", tags=tags)
        ctx.metric("duration", time.perf_counter() - start, kind="timer", tags=tags)
        return {"value": value}
