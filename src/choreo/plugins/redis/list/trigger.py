"""io.kestra.plugin.redis.list.Trigger"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import ClassVar

from pydantic import Field

from choreo.model.trigger import Trigger as BaseTrigger
from choreo.model.types import Duration, Dynamic
from choreo.plugins.context import TriggerContext, TriggerEvent
from choreo.plugins.redis._connection import SerdeType, client, decode
from choreo.plugins.redis.list.realtime_trigger import PROCESSING_SUFFIX


class Trigger(BaseTrigger):
    """Every `interval`, take up to `maxRecords` items of a Redis list (waiting at most `maxDuration` for them) and
    start one execution with them: `trigger.uri` (a file, one JSON item per line) and `trigger.count`.

    ```yaml
    triggers:
      - id: batch
        type: io.kestra.plugin.redis.list.Trigger
        url: redis://localhost:6379/0
        key: orders
        maxRecords: 100
        interval: PT1M
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.redis.list.Trigger"
    trigger_kind: ClassVar[str] = "polling"

    url: Dynamic[str] = Field(description="The Redis URL.", examples=["redis://localhost:6379/0"])
    key: Dynamic[str] = Field(description="The list to consume.", examples=["orders"])
    serde_type: SerdeType = Field(default=SerdeType.STRING, description="How items are read: STRING or JSON.")
    max_records: int | None = Field(default=None, ge=1, description="At most this many items per execution.")
    max_duration: Duration | None = Field(default=None, description="Wait at most this long for items.")
    interval: Duration = Field(default=timedelta(seconds=60), description="Time between two batches.")

    async def poll(self, ctx: TriggerContext) -> list[TriggerEvent]:
        redis = client(str(ctx.render(self.url)))
        key = str(ctx.render(self.key))
        processing = key + PROCESSING_SUFFIX
        limit = self.max_records or 1000
        deadline = asyncio.get_running_loop().time() + (self.max_duration or timedelta(0)).total_seconds()
        taken: list[bytes] = []
        try:
            while await redis.lmove(processing, key, "RIGHT", "LEFT") is not None:
                pass  # a batch a crash left unacknowledged is taken again
            while len(taken) < limit:
                raw = await redis.lmove(key, processing, "LEFT", "RIGHT")
                if raw is None:
                    if asyncio.get_running_loop().time() >= deadline:
                        break
                    await asyncio.sleep(0.05)
                    continue
                taken.append(raw)
        except BaseException:
            await redis.aclose()
            raise
        if not taken:
            await redis.aclose()
            return []
        lines = "".join(json.dumps(decode(raw, self.serde_type)) + "\n" for raw in taken).encode("utf-8")
        uri = await asyncio.to_thread(ctx.put_file, "items.jsonl", lines)

        async def ack() -> None:
            try:
                for raw in taken:
                    await redis.lrem(processing, 1, raw)
            finally:
                await redis.aclose()

        return [TriggerEvent({"uri": uri, "count": len(taken)}, ack)]
