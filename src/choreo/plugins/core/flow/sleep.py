"""io.kestra.plugin.core.flow.Sleep"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.durations import format_duration, parse_duration
from choreo.model.task import Task
from choreo.model.types import Duration, Dynamic
from choreo.plugins.context import RunContext, TaskFailed


class Sleep(Task):
    """Wait for a duration, on a worker.

    ```yaml
    - id: sleep
      type: io.kestra.plugin.core.flow.Sleep
      duration: PT5S
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.Sleep"

    duration: Dynamic[Duration] = Field(description="How long to sleep (ISO-8601).", examples=["PT5S", "PT1M"])

    async def run(self, ctx: RunContext) -> dict[str, Any] | None:
        duration = self.duration
        if not isinstance(duration, timedelta):
            try:
                duration = parse_duration(str(ctx.render(duration)))
            except ValueError as exc:
                raise TaskFailed(f"duration: {exc}", retryable=False) from exc
        ctx.logger.info(f"Waiting for {format_duration(duration)}")
        await asyncio.sleep(max(duration.total_seconds(), 0.0))
        return None
