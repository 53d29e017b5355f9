"""io.kestra.plugin.amqp.RealtimeTrigger"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Annotated, ClassVar

from pydantic import Field

from choreo.model.plugin import Problem, ValidationScope
from choreo.model.trigger import Trigger
from choreo.model.types import Dynamic
from choreo.plugins.amqp._connection import (
    AmqpConnection,
    SerdeType,
    close_quietly,
    existing_queue,
    flag,
    message_variables,
)
from choreo.plugins.context import TriggerContext, TriggerEvent


class RealtimeTrigger(AmqpConnection, Trigger):
    """Start one execution per message of an AMQP (RabbitMQ) queue, as soon as it arrives: `trigger.data` (the body,
    read as `serdeType`), `trigger.headers`, `trigger.messageId`, `trigger.timestamp`, `trigger.routingKey`…

    The queue must exist. A message is acknowledged once its execution is stored (unless `autoAck`): one left
    unacknowledged by a crash or a lost connection is delivered again. A body that cannot be read (not JSON for
    `serdeType: JSON`) is logged and rejected without requeue (to the queue's dead-letter exchange, if any).

    ```yaml
    triggers:
      - id: orders
        type: io.kestra.plugin.amqp.RealtimeTrigger
        host: localhost
        username: guest
        password: "{{ secret('AMQP_PASSWORD') }}"
        queue: orders
        serdeType: JSON
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.amqp.RealtimeTrigger"
    trigger_kind: ClassVar[str] = "realtime"

    queue: Dynamic[str] = Field(description="The queue to consume; it must exist.", examples=["orders"])
    consumer_tag: Dynamic[str] = Field(
        default="Kestra", description="A client-generated consumer tag to establish context.", examples=["Kestra"]
    )
    auto_ack: Dynamic[bool] = Field(
        default=False,
        description="Let the broker acknowledge each message as it is delivered (a crash before its execution is "
        "stored loses it) instead of acknowledging it once the execution is stored.",
    )
    serde_type: SerdeType = Field(default=SerdeType.STRING, description="How bodies are read: STRING or JSON.")
    prefetch_count: Annotated[int, Field(ge=1, le=65535)] = Field(
        default=10,
        description="How many unacknowledged messages the broker sends ahead (a Choreo property; Kestra has none).",
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        yield from self.connection_problems()

    async def listen(self, ctx: TriggerContext) -> AsyncIterator[TriggerEvent]:
        queue_name = str(ctx.render(self.queue))
        auto_ack = flag(ctx.render(self.auto_ack), "autoAck")
        name = f"choreo {ctx.namespace}.{ctx.flow_id} {ctx.trigger_id}"
        connection = await self.connect(ctx.render, name)
        try:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=self.prefetch_count)
            queue = await existing_queue(channel, queue_name)
            closing: list[asyncio.Task[None]] = []  # the broker cancelled the consumer (queue deleted…)
            underlay = await channel.get_underlay_channel()
            underlay.on_consumer_cancel_callbacks.add(
                lambda _frame: closing.append(asyncio.ensure_future(channel.close()))  # which ends the iteration
            )
            async with queue.iterator(no_ack=auto_ack, consumer_tag=str(ctx.render(self.consumer_tag))) as messages:
                async for message in messages:
                    try:
                        variables = message_variables(message, self.serde_type)
                    except ValueError as exc:
                        ctx.logger.error(f"a message of queue '{queue_name}' cannot be read, rejected: {exc}")
                        if not auto_ack:
                            await message.reject(requeue=False)
                        continue
                    yield TriggerEvent(variables, None if auto_ack else message.ack)
            reason = "the broker cancelled the consumer (queue deleted?)" if closing else "the channel was closed"
            raise ConnectionError(f"consuming queue '{queue_name}' stopped: {reason}")
        finally:
            await close_quietly(connection)
