"""MQTT triggers and publish task against the machine's Mosquitto (127.0.0.1:1883), through a running runtime: one
execution per message, none lost while the runtime is down (persistent session, QoS 1); one execution per batch."""

from __future__ import annotations

import asyncio
import json
import uuid

import aiomqtt
import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from choreo.plugins.mqtt._connection import trigger_client_id
from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from runtime_support import all_ended, run_until
from runtime_support import returned_values as outputs

SERVER = "tcp://127.0.0.1:1883"
NAMESPACE = "brokers"


@pytest.fixture
def suffix():
    """Topics and flow ids of this test only; the broker sessions of its triggers are ended after it."""
    value = uuid.uuid4().hex[:8]
    yield value
    for flow_id, trigger_id in ((f"consume_{value}", "sensors"), (f"batch_{value}", "batch")):
        asyncio.run(session(trigger_client_id(NAMESPACE, flow_id, trigger_id), keep=False))


async def session(client_id: str, *, keep: bool, topic: str | None = None) -> None:
    """Open (and subscribe `topic`) or end the persistent session of `client_id`."""
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = 0xFFFFFFFF if keep else 0
    async with aiomqtt.Client(
        "127.0.0.1",
        identifier=client_id,
        protocol=aiomqtt.ProtocolVersion.V5,
        clean_start=not keep,
        properties=properties,
    ) as client:
        if topic is not None:
            await client.subscribe(topic, qos=1)


async def publish(topic: str, *payloads: str) -> None:
    async with aiomqtt.Client("127.0.0.1") as client:
        for payload in payloads:
            await client.publish(topic, payload, qos=1)


def flows(suffix: str) -> list[str]:
    topic = f"choreo-test/{suffix}"
    consumer = f"""id: consume_{suffix}
namespace: {NAMESPACE}
tasks:
  - id: echo
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.payload.id }}}} {{{{ trigger.payload.item }}}} {{{{ trigger.topic }}}} {{{{ trigger.qos }}}}"
triggers:
  - id: sensors
    type: io.kestra.plugin.mqtt.RealtimeTrigger
    server: {SERVER}
    topic: {topic}
    serdeType: JSON
"""
    producer = f"""id: produce_{suffix}
namespace: {NAMESPACE}
tasks:
  - id: publish
    type: io.kestra.plugin.mqtt.Publish
    server: {SERVER}
    topic: {topic}
    from:
      - {{"id": 1, "item": "book"}}
      - {{"id": 2, "item": "pen"}}
"""
    return [consumer, producer]


def subscriptions(rt: Runtime, flow_id: str) -> int:
    return rt.store.logs.search(flow_id=flow_id, trigger_id="sensors", text="subscribed to").total


def test_each_published_message_becomes_one_execution_and_none_is_lost_while_down(tmp_path, suffix):
    rt = Runtime(ServerConfig(home=tmp_path))
    for source in flows(suffix):
        save_flow(rt.app, rt.store, source)
    consumer, topic = f"consume_{suffix}", f"choreo-test/{suffix}"
    try:
        run_until(
            rt,
            lambda: len(outputs(rt, consumer)) >= 2 and all_ended(rt, f"produce_{suffix}"),
            ready=lambda: subscriptions(rt, consumer) > 0,  # publish once the trigger listens
            then=lambda: rt.control.create(rt.flows.get(NAMESPACE, f"produce_{suffix}"), {}),
        )
        assert outputs(rt, consumer) == [f"1 book {topic} 1", f"2 pen {topic} 1"]
        assert rt.store.executions.search(flow_id=consumer, size=10).total == 2  # exactly one per message
        (produced,) = rt.store.executions.search(flow_id=f"produce_{suffix}", size=10).items
        assert produced.task_run_list[0].outputs == {"messagesCount": 2}

        asyncio.run(publish(topic, '{"id": 3, "item": "ink"}'))  # while no runtime runs
        run_until(rt, lambda: len(outputs(rt, consumer)) >= 3)  # the persistent session kept it
        assert outputs(rt, consumer) == [f"1 book {topic} 1", f"2 pen {topic} 1", f"3 ink {topic} 1"]
        assert rt.store.executions.search(flow_id=consumer, size=10).total == 3
        assert subscriptions(rt, consumer) == 2
    finally:
        rt.close()


def test_the_batch_trigger_starts_one_execution_with_the_messages_in_a_file(tmp_path, suffix):
    topic = f"choreo-test/{suffix}/batch"
    source = f"""id: batch_{suffix}
namespace: {NAMESPACE}
tasks:
  - id: echo
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.count }}}} {{{{ trigger.uri }}}}"
triggers:
  - id: batch
    type: io.kestra.plugin.mqtt.Trigger
    server: {SERVER}
    topic: {topic}
    serdeType: STRING
    maxRecords: 3
    maxDuration: PT5S
    interval: PT0.2S
"""
    # the trigger's persistent session (its id made of the flow's) exists before the runtime first polls
    asyncio.run(session(trigger_client_id(NAMESPACE, f"batch_{suffix}", "batch"), keep=True, topic=topic))
    asyncio.run(publish(topic, "a", "b", "c"))
    rt = Runtime(ServerConfig(home=tmp_path))
    save_flow(rt.app, rt.store, source)
    try:
        run_until(rt, lambda: len(outputs(rt, f"batch_{suffix}")) >= 1)
        (output,) = outputs(rt, f"batch_{suffix}")  # one execution for the three messages
        count, uri = output.split(" ")
        assert count == "3"
        rows = [json.loads(line) for line in rt.storage.read_bytes(uri).decode().splitlines()]
        assert [row["payload"] for row in rows] == ["a", "b", "c"]
    finally:
        rt.close()
