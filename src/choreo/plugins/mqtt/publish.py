"""io.kestra.plugin.mqtt.Publish"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.mqtt._connection import MqttConnection, Qos, SerdeType, client, encode


class Publish(MqttConnection, Task):
    """Publish one message, or one per item of a list (or per line of an internal-storage file), to an MQTT
    topic. Output `messagesCount`: the messages published (each confirmed by the broker with QoS 1 and 2).

    The connection starts a clean session: do not give it the `clientId` of a trigger, whose persistent session
    it would end.

    ```yaml
    - id: publish
      type: io.kestra.plugin.mqtt.Publish
      server: tcp://localhost:1883
      topic: kestra/sensors/cpu
      serdeType: JSON
      from:
        type: sensors
        value: 1.23
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.mqtt.Publish"

    topic: Dynamic[str] = Field(description="The topic to publish to.", examples=["kestra/sensors/cpu"])
    from_: Dynamic[Any] = Field(
        alias="from",
        description="The message: a value (a map, a text…), a list of messages, or the kestra:// URI of a file "
        "with one JSON message per line.",
        examples=[{"type": "sensors", "value": 1.23}],
    )
    qos: Dynamic[Qos] = Field(default=1, description="The quality of service: 0, 1 or 2.")
    retain: Dynamic[bool] = Field(
        default=False,
        description="Whether the broker keeps the message for future subscribers (an empty payload clears it).",
    )
    serde_type: Dynamic[SerdeType] = Field(
        default=SerdeType.JSON, description="How messages are written: JSON, STRING or BYTES (from base64 text)."
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        topic = str(ctx.render(self.topic))
        qos = int(ctx.render(self.qos))
        retain = _flag(ctx.render(self.retain))
        serde = SerdeType(str(ctx.render(self.serde_type)))
        values = ctx.render(self.from_)
        if isinstance(values, str) and values.startswith("kestra://"):
            values = _rows(ctx.read_file(values), values)
        values = values if isinstance(values, list) else [values]
        try:
            payloads = [encode(value, serde) for value in values]
        except (TypeError, ValueError) as exc:
            raise TaskFailed(f"cannot write a message as {serde.value}: {exc}", retryable=False) from exc
        identifier = str(ctx.render(self.client_id)) if self.client_id else None
        async with client(ctx.render, self, identifier=identifier, persistent=False) as mqtt:
            for payload in payloads:
                await mqtt.publish(topic, payload, qos=qos, retain=retain)
        ctx.logger.debug(f"published {len(payloads)} message(s) to '{topic}'")
        ctx.metric("records", len(payloads), tags={"topic": topic})
        return {"messagesCount": len(payloads)}


def _rows(data: bytes, uri: str) -> list[Any]:
    rows = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise TaskFailed(f"{uri}:{number}: not a JSON message: {exc}", retryable=False) from exc
    return rows


def _flag(value: Any) -> bool:
    return value.strip().lower() == "true" if isinstance(value, str) else bool(value)
