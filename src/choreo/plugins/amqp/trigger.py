"""io.kestra.plugin.amqp.Trigger"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import Field

from choreo.model.durations import parse_duration
from choreo.model.plugin import Problem, ValidationScope
from choreo.model.trigger import Trigger as BaseTrigger
from choreo.model.types import Duration, Dynamic
from choreo.plugins.amqp._connection import (
    CLOSE_TIMEOUT_SECONDS,
    AmqpConnection,
    SerdeType,
    close_quietly,
    existing_queue,
    flag,
    message_variables,
)
from choreo.plugins.context import TriggerContext, TriggerEvent

if TYPE_CHECKING:
    from aio_pika.abc import AbstractConnection, AbstractIncomingMessage

#: A batch whose execution was not stored this soon (the engine failed) goes back to the queue: its connection is
#: closed, so the broker delivers its messages again.
ACK_TIMEOUT_SECONDS = 60.0
#: How often an empty queue is looked at again until `maxDuration` has passed.
EMPTY_QUEUE_SECONDS = 0.2

#: The tasks closing the connections of batches not acknowledged yet (held here until they end).
_ACK_WATCHDOGS: set[asyncio.Task[None]] = set()


class Trigger(AmqpConnection, BaseTrigger):
    """Every `interval`, take the messages waiting in an AMQP (RabbitMQ) queue — up to `maxRecords`, waiting for
    more until `maxDuration` has passed — and start one execution for the batch: `trigger.uri` (a file with one
    message per line, as JSON: `data`, `headers`, `messageId`, `timestamp`…) and `trigger.count`.

    The queue must exist. The messages are acknowledged once the execution is stored (unless `autoAck`); when
    `maxDuration` is not set, a poll stops as soon as the queue is empty.

    ```yaml
    triggers:
      - id: orders
        type: io.kestra.plugin.amqp.Trigger
        host: localhost
        queue: orders
        maxRecords: 100
        interval: PT30S
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.amqp.Trigger"
    trigger_kind: ClassVar[str] = "polling"

    interval: Duration = Field(
        default=timedelta(seconds=60), description="Time between two polls.", examples=["PT30S", "PT5M"]
    )
    queue: Dynamic[str] = Field(description="The queue to consume; it must exist.", examples=["orders"])
    consumer_tag: Dynamic[str] = Field(
        default="Kestra",
        description="A client-generated consumer tag (accepted for Kestra; a poll reads with basic.get).",
        examples=["Kestra"],
    )
    auto_ack: Dynamic[bool] = Field(
        default=False,
        description="Let the broker acknowledge each message as it is taken (a crash before the execution is "
        "stored loses the batch) instead of acknowledging the batch once its execution is stored.",
    )
    serde_type: SerdeType = Field(default=SerdeType.STRING, description="How bodies are read: STRING or JSON.")
    max_records: Dynamic[Annotated[int, Field(ge=1)]] | None = Field(
        default=None, description="At most this many messages per execution.", examples=[100]
    )
    max_duration: Dynamic[Duration] | None = Field(
        default=None,
        description="How long a poll waits for messages (from its start) when the queue is empty.",
        examples=["PT10S"],
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        yield from self.connection_problems()
        if self.max_records is None and self.max_duration is None:
            yield Problem(("maxRecords",), "set `maxRecords` or `maxDuration` (or both): when a poll ends")

    async def poll(self, ctx: TriggerContext) -> list[TriggerEvent]:
        queue_name = str(ctx.render(self.queue))
        max_records = None if self.max_records is None else _count(ctx.render(self.max_records))
        max_duration = None if self.max_duration is None else _duration(ctx.render(self.max_duration))
        auto_ack = flag(ctx.render(self.auto_ack), "autoAck")
        connection = await self.connect(ctx.render, f"choreo {ctx.namespace}.{ctx.flow_id} {ctx.trigger_id}")
        try:
            channel = await connection.channel()
            queue = await existing_queue(channel, queue_name)
            loop = asyncio.get_running_loop()
            deadline = None if max_duration is None else loop.time() + max_duration.total_seconds()
            taken: list[AbstractIncomingMessage] = []
            lines: list[str] = []
            while max_records is None or len(taken) < max_records:
                message = await queue.get(no_ack=auto_ack, fail=False)
                if message is None:
                    remaining = 0.0 if deadline is None else deadline - loop.time()
                    if remaining <= 0:
                        break
                    await asyncio.sleep(min(EMPTY_QUEUE_SECONDS, remaining))
                    continue
                try:
                    variables = message_variables(message, self.serde_type)
                except ValueError as exc:
                    ctx.logger.error(f"a message of queue '{queue_name}' cannot be read, rejected: {exc}")
                    if not auto_ack:
                        await message.reject(requeue=False)
                    continue
                taken.append(message)
                lines.append(json.dumps(variables, ensure_ascii=False, default=str) + "\n")
                if deadline is not None and loop.time() >= deadline:
                    break
            uri = await asyncio.to_thread(ctx.put_file, "messages.ion", "".join(lines).encode()) if taken else None
        except BaseException:
            await close_quietly(connection)
            raise
        if uri is None or auto_ack:
            await close_quietly(connection)
            return [] if uri is None else [TriggerEvent({"uri": uri, "count": len(taken)})]
        return [TriggerEvent({"uri": uri, "count": len(taken)}, _acknowledge(connection, taken[-1]))]


def _acknowledge(connection: AbstractConnection, last: AbstractIncomingMessage) -> Any:
    """The ack of a batch: every message up to `last`, then the connection closed. A batch never acknowledged
    (its execution could not be stored) goes back to the queue after ACK_TIMEOUT_SECONDS."""
    watchdog = asyncio.get_running_loop().create_task(_close_later(connection, ACK_TIMEOUT_SECONDS))
    _ACK_WATCHDOGS.add(watchdog)
    watchdog.add_done_callback(_ACK_WATCHDOGS.discard)

    async def ack() -> None:
        try:
            await last.ack(multiple=True)
        finally:
            watchdog.cancel()  # which closes the connection
            await asyncio.wait([watchdog], timeout=CLOSE_TIMEOUT_SECONDS + 1)

    return ack


async def _close_later(connection: AbstractConnection, seconds: float) -> None:
    try:
        await asyncio.sleep(seconds)
    finally:  # also when cancelled: by the ack, or when the loop stops
        await close_quietly(connection)


def _count(value: Any) -> int:
    try:
        count = int(str(value).strip())
    except ValueError:
        raise ValueError(f"maxRecords: expected a number, got {value!r}") from None
    if count < 1:
        raise ValueError(f"maxRecords: expected at least 1, got {count}")
    return count


def _duration(value: Any) -> timedelta:
    return value if isinstance(value, timedelta) else parse_duration(str(value))
