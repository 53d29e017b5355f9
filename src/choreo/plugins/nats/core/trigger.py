"""io.kestra.plugin.nats.core.Trigger"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, ClassVar

from pydantic import Field

from choreo.model.durations import parse_duration
from choreo.model.trigger import Trigger as BaseTrigger
from choreo.model.types import Duration, Dynamic
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

#: What JetStream reads as a positive acknowledgement, sent to a message's reply subject.
ACK = b"+ACK"


class Trigger(NatsConnection, BaseTrigger):
    """Every `interval`, start one execution for the messages waiting on a NATS JetStream subject (`trigger.uri`).

    `trigger.uri` is a file with one JSON message per line (`subject`, `headers`, `data`, `timestamp`) and
    `trigger.messagesCount` (also `trigger.count`) their number; no message, no execution. Each pull waits at most
    `pollDuration`; pulling stops when none came, after `maxRecords` messages or after `maxDuration`.

    Messages are pulled through the durable consumer `durableId` and acknowledged once the execution is stored.
    A stream is created for the subject when none holds it.

    ```yaml
    triggers:
      - id: watch
        type: io.kestra.plugin.nats.core.Trigger
        url: nats://localhost:4222
        subject: kestra.trigger
        durableId: natsTrigger
        maxRecords: 100
        interval: PT1M
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.nats.core.Trigger"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.plugin.nats.Trigger",)
    trigger_kind: ClassVar[str] = "polling"

    interval: Duration = Field(
        default=timedelta(seconds=60), description="How often to consume the waiting messages.", examples=["PT1M"]
    )
    subject: Dynamic[NonEmpty] = Field(description="The subject to consume (wildcards allowed).", examples=["orders.>"])
    durable_id: Dynamic[str] | None = Field(
        default=None, description="The durable consumer that remembers, between runs, what was consumed."
    )
    since: Dynamic[str] | None = Field(
        default=None,
        description="Consume the messages stored from this ISO-8601 date-time on (deliverPolicy ByStartTime).",
        examples=["2025-01-01T00:00:00Z"],
    )
    poll_duration: Dynamic[Duration] = Field(
        default=timedelta(seconds=2), description="How long one pull waits for messages.", examples=["PT2S"]
    )
    batch_size: Annotated[int, Field(ge=1)] = Field(default=10, description="Messages pulled at most at once.")
    max_records: Dynamic[Annotated[int, Field(ge=1)]] | None = Field(
        default=None, description="Stop after this many messages (the others wait for the next interval)."
    )
    max_duration: Dynamic[Duration] | None = Field(
        default=None, description="Stop pulling after this long.", examples=["PT30S"]
    )
    deliver_policy: Dynamic[DeliverPolicy] = Field(
        default=DeliverPolicy.ALL,
        description="Where a new consumer starts: All, Last, New, ByStartSequence, ByStartTime, LastPerSubject.",
    )

    async def poll(self, ctx: TriggerContext) -> list[TriggerEvent]:
        subject = str(ctx.render(self.subject))
        max_records = None if self.max_records is None else int(ctx.render(self.max_records))
        max_seconds = None if self.max_duration is None else _seconds(ctx.render(self.max_duration))
        wait = max(_seconds(ctx.render(self.poll_duration)), 0.001)
        connection = await self.connect(ctx)
        messages: list[Msg] = []
        try:
            subscription = await pull_consumer(
                ctx,
                connection.jetstream(),
                subject,
                None if self.durable_id is None else str(ctx.render(self.durable_id)),
                self.deliver_policy,
                self.since,
            )
            started = time.monotonic()
            while max_records is None or len(messages) < max_records:
                wanted = self.batch_size if max_records is None else min(self.batch_size, max_records - len(messages))
                try:
                    messages += await subscription.fetch(wanted, wait)
                except TimeoutError:  # nats' own or asyncio's (a fetch that expires empty raises either)
                    break
                if max_seconds is not None and time.monotonic() - started >= max_seconds:
                    break
        finally:
            await close(connection)  # the messages stay pending until `ack` (or the consumer's ack wait)
        if not messages:
            return []
        ctx.logger.debug(f"found {len(messages)} messages on '{subject}'")
        lines = "".join(json.dumps(message_variables(m), ensure_ascii=False) + "\n" for m in messages)
        uri = await asyncio.to_thread(ctx.put_file, "messages.jsonl", lines.encode("utf-8"))
        replies = [message.reply for message in messages]

        async def ack() -> None:
            acknowledging = await self.connect(ctx)
            try:
                for reply in replies:
                    await acknowledging.publish(reply, ACK)
                await acknowledging.flush()
            finally:
                await close(acknowledging)

        return [TriggerEvent({"messagesCount": len(messages), "count": len(messages), "uri": uri}, ack)]


def _seconds(value: object) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return parse_duration(str(value)).total_seconds()
