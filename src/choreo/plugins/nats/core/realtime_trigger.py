"""io.kestra.plugin.nats.core.RealtimeTrigger"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated, ClassVar

from pydantic import Field

from choreo.model.trigger import Trigger
from choreo.model.types import Dynamic
from choreo.plugins.context import TriggerContext, TriggerEvent
from choreo.plugins.nats._connection import (
    DeliverPolicy,
    NatsConnection,
    NonEmpty,
    close,
    message_variables,
    pull_consumer,
)

if TYPE_CHECKING:
    from nats.aio.msg import Msg

#: How long one pull request waits on the server for a message (it returns as soon as one arrives).
WAIT_SECONDS = 5.0
#: How long a pull for the rest of a batch waits, when the stream said more messages were pending.
BATCH_WAIT_SECONDS = 0.1


class RealtimeTrigger(NatsConnection, Trigger):
    """Start one execution per message of a NATS JetStream subject, as soon as it arrives (`trigger.data`).

    The execution sees the message as `trigger.subject`, `trigger.headers` (name → list of values), `trigger.data`
    (the payload as text) and `trigger.timestamp` (when the stream stored it).

    Messages are pulled through the durable consumer `durableId` (created on first use with `deliverPolicy`; without
    `durableId` a new consumer starts at each restart) and acknowledged once their execution is stored: one received
    but not stored when the trigger stops is delivered again. A stream is created for the subject when none holds it.

    ```yaml
    triggers:
      - id: watch
        type: io.kestra.plugin.nats.core.RealtimeTrigger
        url: nats://localhost:4222
        subject: kestra.trigger
        durableId: natsTrigger
        deliverPolicy: All
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.nats.core.RealtimeTrigger"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.plugin.nats.RealtimeTrigger",)
    trigger_kind: ClassVar[str] = "realtime"

    subject: Dynamic[NonEmpty] = Field(description="The subject to consume (wildcards allowed).", examples=["orders.>"])
    durable_id: Dynamic[str] | None = Field(
        default=None, description="The durable consumer that remembers, between runs, what was consumed."
    )
    since: Dynamic[str] | None = Field(
        default=None,
        description="Consume the messages stored from this ISO-8601 date-time on (deliverPolicy ByStartTime).",
        examples=["2025-01-01T00:00:00Z"],
    )
    batch_size: Annotated[int, Field(ge=1)] = Field(default=10, description="Messages pulled at most at once.")
    deliver_policy: Dynamic[DeliverPolicy] = Field(
        default=DeliverPolicy.ALL,
        description="Where a new consumer starts: All, Last, New, ByStartSequence, ByStartTime, LastPerSubject.",
    )

    async def listen(self, ctx: TriggerContext) -> AsyncIterator[TriggerEvent]:
        connection = await self.connect(ctx)
        unacknowledged: dict[int, Msg] = {}
        try:
            subscription = await pull_consumer(
                ctx,
                connection.jetstream(),
                str(ctx.render(self.subject)),
                None if self.durable_id is None else str(ctx.render(self.durable_id)),
                self.deliver_policy,
                self.since,
            )
            wanted = 1
            while True:
                try:  # one message as soon as it arrives, or the rest of a batch the stream said was waiting
                    messages = await subscription.fetch(wanted, WAIT_SECONDS if wanted == 1 else BATCH_WAIT_SECONDS)
                except TimeoutError:  # nats' own or asyncio's (a fetch that expires empty raises either)
                    wanted = 1
                    continue
                unacknowledged.update((id(message), message) for message in messages)
                for message in messages:

                    async def ack(message: Msg = message) -> None:
                        await message.ack()
                        unacknowledged.pop(id(message), None)

                    yield TriggerEvent(message_variables(message), ack)
                wanted = max(1, min(self.batch_size, messages[-1].metadata.num_pending))
        finally:
            await close(connection, list(unacknowledged.values()))
