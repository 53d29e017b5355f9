"""io.kestra.plugin.redis.pubsub.Publish"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext
from choreo.plugins.redis._connection import SerdeType, client, encode


class Publish(Task):
    """Publish one message, or each message of a list, on a Redis channel. Output `count`: the messages published.

    ```yaml
    - id: publish
      type: io.kestra.plugin.redis.pubsub.Publish
      url: redis://localhost:6379/0
      channel: events
      from: "{{ outputs.extract.value }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.redis.pubsub.Publish"

    url: Dynamic[str] = Field(description="The Redis URL.", examples=["redis://localhost:6379/0"])
    channel: Dynamic[str] = Field(description="The channel to publish on.", examples=["events"])
    from_: Dynamic[Any] = Field(alias="from", description="A message or a list of messages.", examples=[["a"]])
    serde_type: SerdeType = Field(default=SerdeType.STRING, description="How messages are written: STRING or JSON.")

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        values = ctx.render(self.from_)
        values = values if isinstance(values, list) else [values]
        redis = client(str(ctx.render(self.url)))
        channel = str(ctx.render(self.channel))
        try:
            for value in values:
                await redis.publish(channel, encode(value, self.serde_type))
        finally:
            await redis.aclose()
        return {"count": len(values)}
