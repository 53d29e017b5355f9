"""io.kestra.plugin.redis.pubsub.RealtimeTrigger"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import ClassVar

from pydantic import Field

from choreo.model.trigger import Trigger
from choreo.model.types import Dynamic
from choreo.plugins.context import TriggerContext, TriggerEvent
from choreo.plugins.redis._connection import SerdeType, client, decode


class RealtimeTrigger(Trigger):
    """Start one execution per message published on a Redis channel (`trigger.value`, `trigger.channel`).

    Redis pub/sub keeps nothing: a message published while no listener is subscribed is not delivered. Use a list
    (`io.kestra.plugin.redis.list.RealtimeTrigger`) when no message may be lost.

    ```yaml
    triggers:
      - id: events
        type: io.kestra.plugin.redis.pubsub.RealtimeTrigger
        url: redis://localhost:6379/0
        channel: events
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.redis.pubsub.RealtimeTrigger"
    trigger_kind: ClassVar[str] = "realtime"

    url: Dynamic[str] = Field(description="The Redis URL.", examples=["redis://localhost:6379/0"])
    channel: Dynamic[str] = Field(description="The channel to subscribe to.", examples=["events"])
    serde_type: SerdeType = Field(default=SerdeType.STRING, description="How messages are read: STRING or JSON.")

    async def listen(self, ctx: TriggerContext) -> AsyncIterator[TriggerEvent]:
        redis = client(str(ctx.render(self.url)))
        channel = str(ctx.render(self.channel))
        pubsub = redis.pubsub()
        try:
            await pubsub.subscribe(channel)
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is not None:
                    yield TriggerEvent({"channel": channel, "value": decode(message["data"], self.serde_type)})
        finally:
            await pubsub.aclose()
            await redis.aclose()
