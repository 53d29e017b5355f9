"""io.kestra.plugin.mqtt.Trigger"""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import Field, PrivateAttr

from choreo.model.durations import parse_duration
from choreo.model.trigger import Trigger as BaseTrigger
from choreo.model.types import Duration, Dynamic
from choreo.plugins.context import TriggerContext, TriggerEvent
from choreo.plugins.mqtt._connection import (
    MqttConnection,
    MqttSubscription,
    SerdeType,
    ack,
    client,
    matches,
    message_variables,
    subscribe,
    topics_of,
    trigger_client_id,
)

if TYPE_CHECKING:
    import aiomqtt


class Trigger(MqttConnection, MqttSubscription, BaseTrigger):
    """Every `interval`, consume the messages of MQTT topics for a while and start one execution for the batch:
    `trigger.uri` is a file in internal storage with one message per line (JSON: `id`, `topic`, `qos`,
    `properties`, `payload`, `retain`), `trigger.count` (and `trigger.messagesCount`, as in Kestra) their number.
    No execution when no message came.

    A poll collects until `maxRecords` messages arrived or `maxDuration` passed (the `interval` when unset).
    With QoS 1 (the default) the session is persistent (under `clientId`, or a stable id made of the flow and
    trigger ids) and the batch's messages are acknowledged only once its execution is stored: messages
    published between polls, or while Choreo is down, wait on the broker, and a batch lost in a crash is sent
    again. A broker lets only so many unacknowledged messages through at once (Mosquitto: `max_inflight_messages`,
    20 by default), which bounds a batch's size; the others come with the next polls. QoS 2 messages are
    acknowledged on receipt (the broker never sends them again anyway); QoS 0 ones are not kept between polls.

    ```yaml
    triggers:
      - id: sensors
        type: io.kestra.plugin.mqtt.Trigger
        server: tcp://localhost:1883
        topic:
          - kestra/sensors/cpu
          - kestra/sensors/mem
        serdeType: JSON
        maxRecords: 10
        interval: PT30S
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.mqtt.Trigger"
    trigger_kind: ClassVar[str] = "polling"

    interval: Duration = Field(default=timedelta(seconds=60), description="Time between two polls.")
    max_records: Dynamic[Annotated[int, Field(ge=1)]] | None = Field(
        default=None, description="End a poll once this many messages arrived.", examples=[10]
    )
    max_duration: Dynamic[Duration] | None = Field(
        default=None,
        description="End a poll after this long; the `interval` when unset.",
        examples=["PT10S"],
    )

    #: The connection of the last batch while its acknowledgement is pending (closed by the next poll if it
    #: never comes: its messages are then sent again).
    _pending: Any = PrivateAttr(default=None)

    async def poll(self, ctx: TriggerContext) -> list[TriggerEvent]:
        if self._pending is not None:
            await _close(self._pending)
            self._pending = None
        topics = topics_of(ctx.render(self.topic))
        qos = int(ctx.render(self.qos))
        serde = SerdeType(str(ctx.render(self.serde_type)))
        max_records = int(ctx.render(self.max_records)) if self.max_records is not None else None
        seconds = self._max_seconds(ctx)
        identifier = (
            str(ctx.render(self.client_id))
            if self.client_id
            else trigger_client_id(ctx.namespace, ctx.flow_id, ctx.trigger_id)
        )
        manual = qos == 1
        mqtt = client(ctx.render, self, identifier=identifier, persistent=qos > 0, manual_ack=manual)
        await mqtt.__aenter__()
        try:
            await subscribe(mqtt, topics, qos, self.protocol_version())
            rows, received = await _collect(mqtt, ctx, topics, serde, max_records, seconds)
        except BaseException:
            await _close(mqtt)
            raise

        async def done() -> None:
            if self._pending is mqtt:
                self._pending = None
            try:
                if manual:
                    for mid, message_qos in received:
                        if message_qos == 1:
                            ack(mqtt, mid, message_qos)
            finally:
                await _close(mqtt)

        if not rows:
            await done()  # what was skipped (unreadable, or of an old subscription) is acknowledged
            return []
        data = "".join(json.dumps(row, separators=(",", ":"), default=str) + "\n" for row in rows).encode()
        try:
            uri = await asyncio.to_thread(ctx.put_file, "messages.ion", data)
        except BaseException:
            await _close(mqtt)
            raise
        self._pending = mqtt
        return [TriggerEvent({"uri": uri, "count": len(rows), "messagesCount": len(rows)}, done)]

    def _max_seconds(self, ctx: TriggerContext) -> float:
        if self.max_duration is not None:
            duration = ctx.render(self.max_duration)
            if isinstance(duration, str):  # a template rendered to ISO-8601 text
                duration = parse_duration(duration)
            return max(duration.total_seconds(), 0.0)
        return self.interval.total_seconds()


async def _collect(
    mqtt: aiomqtt.Client,
    ctx: TriggerContext,
    topics: list[str],
    serde: SerdeType,
    max_records: int | None,
    seconds: float,
) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """The messages read until `max_records` or `seconds`; and every message received (to acknowledge)."""
    rows: list[dict[str, Any]] = []
    received: list[tuple[int, int]] = []
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            async for message in mqtt.messages:
                received.append((message.mid, message.qos))
                if not matches(str(message.topic), topics):
                    continue  # a subscription of an earlier revision, still in the persistent session
                try:
                    rows.append(message_variables(message, serde))
                except ValueError as exc:
                    ctx.logger.error(
                        f"message {message.mid} of '{message.topic}' skipped: its payload is not {serde.value}: {exc}"
                    )
                    continue
                if max_records is not None and len(rows) >= max_records:
                    break
    return rows, received


async def _close(mqtt: aiomqtt.Client) -> None:
    """Disconnect; a connection already lost is fine (what it did not acknowledge comes again)."""
    from aiomqtt import MqttError

    with contextlib.suppress(MqttError, OSError):
        await mqtt.__aexit__(None, None, None)
