"""io.kestra.plugin.redis.list.RealtimeTrigger"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import ClassVar

from pydantic import Field

from choreo.model.trigger import Trigger
from choreo.model.types import Dynamic
from choreo.plugins.context import TriggerContext, TriggerEvent
from choreo.plugins.redis._connection import SerdeType, client, decode

#: Items being processed wait here until their execution is stored (then removed): a crash loses none.
PROCESSING_SUFFIX = ":choreo-processing"


class RealtimeTrigger(Trigger):
    """Start one execution per item pushed to a Redis list, as soon as it arrives (`trigger.value`).

    An item is moved to a processing list while its execution is created and removed once it is stored; items left
    there by a crash go back to the list when the trigger starts again.

    ```yaml
    triggers:
      - id: orders
        type: io.kestra.plugin.redis.list.RealtimeTrigger
        url: redis://localhost:6379/0
        key: orders
        serdeType: JSON
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.redis.list.RealtimeTrigger"
    trigger_kind: ClassVar[str] = "realtime"

    url: Dynamic[str] = Field(description="The Redis URL.", examples=["redis://localhost:6379/0"])
    key: Dynamic[str] = Field(description="The list to consume.", examples=["orders"])
    serde_type: SerdeType = Field(default=SerdeType.STRING, description="How items are read: STRING or JSON.")

    async def listen(self, ctx: TriggerContext) -> AsyncIterator[TriggerEvent]:
        redis = client(str(ctx.render(self.url)))
        key = str(ctx.render(self.key))
        processing = key + PROCESSING_SUFFIX
        try:
            while await redis.lmove(processing, key, "RIGHT", "LEFT") is not None:
                pass  # what a crash left unacknowledged is consumed again, in its order
            while True:
                raw = await redis.blmove(key, processing, 1, "LEFT", "RIGHT")
                if raw is None:
                    continue

                async def ack(raw: bytes = raw) -> None:
                    await redis.lrem(processing, 1, raw)

                yield TriggerEvent({"value": decode(raw, self.serde_type)}, ack)
        finally:
            await redis.aclose()
