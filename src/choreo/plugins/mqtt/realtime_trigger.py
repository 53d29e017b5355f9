"""io.kestra.plugin.mqtt.RealtimeTrigger"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import ClassVar

from choreo.model.trigger import Trigger
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


class RealtimeTrigger(MqttConnection, MqttSubscription, Trigger):
    """Start one execution per message of MQTT topics, as soon as it arrives: `trigger.payload` (decoded as
    `serdeType`), `trigger.topic`, `trigger.qos`, `trigger.retain`, `trigger.id` and `trigger.properties` (MQTT 5).

    With QoS 1 (the default) the client keeps a persistent session on the broker (MQTT 3.1.1 clean session off,
    MQTT 5 clean start off with a session that never expires), under `clientId` or, when it is unset, a stable id
    made of the flow's namespace, id and the trigger's id. Each message is acknowledged (PUBACK) only once its
    execution is stored: messages published while Choreo is down wait on the broker, and one received but not
    acknowledged before a crash is sent again (at least once). aiomqtt has no manual acknowledgement of its own:
    the trigger turns on that of paho-mqtt, the client aiomqtt wraps.

    QoS 2 messages are acknowledged on receipt: with QoS 2 the broker never sends a message again once the client
    received it, so deferring the acknowledgement would not make a crash lose less (use QoS 1 for at least once).
    QoS 0 messages are not kept while the trigger is away. Give each trigger its own `clientId`: two clients with
    one id take the session from each other.

    ```yaml
    triggers:
      - id: sensors
        type: io.kestra.plugin.mqtt.RealtimeTrigger
        server: tcp://localhost:1883
        topic:
          - kestra/sensors/cpu
          - kestra/sensors/mem
        serdeType: JSON
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.mqtt.RealtimeTrigger"
    trigger_kind: ClassVar[str] = "realtime"

    async def listen(self, ctx: TriggerContext) -> AsyncIterator[TriggerEvent]:
        topics = topics_of(ctx.render(self.topic))
        qos = int(ctx.render(self.qos))
        serde = SerdeType(str(ctx.render(self.serde_type)))
        identifier = (
            str(ctx.render(self.client_id))
            if self.client_id
            else trigger_client_id(ctx.namespace, ctx.flow_id, ctx.trigger_id)
        )
        manual = qos == 1
        mqtt = client(ctx.render, self, identifier=identifier, persistent=qos > 0, manual_ack=manual)
        async with mqtt:
            await subscribe(mqtt, topics, qos, self.protocol_version())
            ctx.logger.info(f"subscribed to {', '.join(topics)} (QoS {qos}) as client '{identifier}'")
            async for message in mqtt.messages:

                async def done(mid: int = message.mid, message_qos: int = message.qos) -> None:
                    if manual and message_qos == 1:
                        ack(mqtt, mid, message_qos)

                if not matches(str(message.topic), topics):
                    await done()  # a subscription of an earlier revision, still in the persistent session
                    continue
                try:
                    variables = message_variables(message, serde)
                except ValueError as exc:
                    ctx.logger.error(
                        f"message {message.mid} of '{message.topic}' skipped: its payload is not {serde.value}: {exc}"
                    )
                    await done()  # reading it again would fail the same way
                    continue
                yield TriggerEvent(variables, done)
