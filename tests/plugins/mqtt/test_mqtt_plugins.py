"""MQTT plugins against the machine's Mosquitto (127.0.0.1:1883): Publish, the realtime trigger's `listen` and the
batch trigger's `poll`, each on topics and client ids of its own; acknowledgement and persistent sessions."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import aiomqtt
import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from choreo.expr import ExpressionEngine
from choreo.plugins.context import TriggerEvent
from choreo.plugins.mqtt._connection import client, decode, encode, parse_server, trigger_client_id
from choreo.plugins.mqtt.publish import Publish
from choreo.plugins.mqtt.realtime_trigger import RealtimeTrigger
from choreo.plugins.mqtt.trigger import Trigger
from choreo.testing import FakeLogger, FakeRunContext

SERVER = "tcp://127.0.0.1:1883"
#: Long enough for the local broker to deliver what was published; waits end as soon as it came.
WAIT = 5.0


class FakeTriggerContext:
    """A TriggerContext: real rendering, logs in `lines`, stored files under `root`."""

    def __init__(self, root: Path, flow_id: str, trigger_id: str = "mqtt", namespace: str = "tests.mqtt") -> None:
        self.namespace, self.flow_id, self.trigger_id = namespace, flow_id, trigger_id
        self.state: dict[str, Any] = {}
        self.root = root
        self.lines: list[tuple[str, str]] = []
        self.logger = FakeLogger(self.lines)
        self._engine = ExpressionEngine()

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        return self._engine.render_value(value, {"vars": {"topic_suffix": "x"}, **(extra or {})})

    def put_file(self, name: str, data: bytes) -> str:
        path = self.root / uuid.uuid4().hex / name
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        return "kestra:///" + path.relative_to(self.root).as_posix()

    def read(self, uri: str) -> bytes:
        return (self.root / uri.removeprefix("kestra:///")).read_bytes()


@pytest.fixture
def topic() -> str:
    return f"choreo-test/{uuid.uuid4().hex[:10]}"


@pytest.fixture
def ctx(tmp_path):
    context = FakeTriggerContext(tmp_path, f"flow_{uuid.uuid4().hex[:8]}")
    yield context
    asyncio.run(forget_session(trigger_client_id(context.namespace, context.flow_id, context.trigger_id)))


async def forget_session(client_id: str) -> None:
    """End a persistent session on the broker (clean start, expiry 0), so tests leave nothing behind."""
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = 0
    async with aiomqtt.Client(
        "127.0.0.1", identifier=client_id, protocol=aiomqtt.ProtocolVersion.V5, clean_start=True, properties=properties
    ):
        pass


async def publish(topic: str, *payloads: bytes | str, qos: int = 1) -> None:
    async with aiomqtt.Client("127.0.0.1") as client:
        for payload in payloads:
            await client.publish(topic, payload, qos=qos)


def realtime(topic: str | list[str], **properties: Any) -> RealtimeTrigger:
    return RealtimeTrigger.model_validate(
        {"id": "mqtt", "type": RealtimeTrigger.type_name, "server": SERVER, "topic": topic, **properties}
    )


def batch(topic: str, **properties: Any) -> Trigger:
    return Trigger.model_validate(
        {"id": "mqtt", "type": Trigger.type_name, "server": SERVER, "topic": topic, **properties}
    )


async def take(events: AsyncIterator[TriggerEvent], count: int) -> list[TriggerEvent]:
    return [await asyncio.wait_for(anext(events), WAIT) for _ in range(count)]


async def nothing_more(events: AsyncIterator[TriggerEvent], seconds: float = 0.2) -> bool:
    try:
        await asyncio.wait_for(anext(events), seconds)
    except TimeoutError:
        return True
    return False


def subscriptions(ctx: FakeTriggerContext) -> int:
    return sum("subscribed to" in message for _, message in ctx.lines)


async def until_subscribed(events: AsyncIterator[TriggerEvent], ctx: FakeTriggerContext) -> asyncio.Future[Any]:
    """Start waiting for the next event; return (with that wait) once the listener has subscribed."""
    before = subscriptions(ctx)
    waiting = asyncio.ensure_future(anext(events))
    async with asyncio.timeout(WAIT):
        while subscriptions(ctx) == before and not waiting.done():
            await asyncio.sleep(0.01)
    return waiting


async def stop(waiting: asyncio.Future[Any]) -> None:
    waiting.cancel()  # cancelled while waiting for a message: the listener disconnects
    with contextlib.suppress(asyncio.CancelledError):
        await waiting


async def subscribed(trigger: RealtimeTrigger, ctx: FakeTriggerContext) -> None:
    """Listen until subscribed, then stop: the persistent session now keeps the topic's messages."""
    await stop(await until_subscribed(trigger.listen(ctx), ctx))


async def quiet(trigger: RealtimeTrigger, ctx: FakeTriggerContext) -> bool:
    """Whether a new listener, once subscribed, gets nothing for a moment (all was acknowledged)."""
    waiting = await until_subscribed(trigger.listen(ctx), ctx)
    done, _ = await asyncio.wait({waiting}, timeout=0.2)
    await stop(waiting)
    return not done


# --- what needs no broker ----------------------------------------------------------------------------------------


def test_servers_and_payloads():
    assert parse_server("tcp://127.0.0.1:1883") == parse_server("mqtt://127.0.0.1")
    assert (parse_server("ssl://broker").port, parse_server("ssl://broker").tls) == (8883, True)
    assert parse_server("wss://broker/mqtt").transport == "websockets"
    assert parse_server("broker:1884").port == 1884
    with pytest.raises(ValueError, match="unknown scheme 'http://'"):
        parse_server("http://broker")
    assert decode(encode({"a": [1, "é"]}, "JSON"), "JSON") == {"a": [1, "é"]}
    assert decode(encode("text", "STRING"), "STRING") == "text"
    assert encode(12, "STRING") == b"12"
    assert decode(encode("AAEC", "BYTES"), "BYTES") == "AAEC"  # BYTES: base64 text both ways


def test_validating_a_flow_does_not_import_the_client():
    code = """
import sys
from choreo.app import Choreo, Settings
flow = '''id: f
namespace: tests.mqtt
tasks:
  - id: p
    type: io.kestra.plugin.mqtt.Publish
    server: tcp://localhost:1883
    topic: a
    from: {a: 1}
triggers:
  - id: t
    type: io.kestra.plugin.mqtt.RealtimeTrigger
    server: tcp://localhost:1883
    topic: [a, b]
  - id: b
    type: io.kestra.plugin.mqtt.Trigger
    server: tcp://localhost:1883
    topic: a
    mqttVersion: V3
    maxRecords: 5
'''
Choreo(Settings()).flows.load(flow)
assert "aiomqtt" not in sys.modules and "paho" not in sys.modules, "imported"
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_kestra_names_and_defaults():
    trigger = realtime("a", clientId="kestraConsumer", version="V3")
    assert (trigger.qos, trigger.serde_type, trigger.protocol_version()) == (1, "JSON", "V3")  # legacy `version`
    assert realtime("a", mqttVersion="V3", version="V5").protocol_version() == "V3"
    assert batch("a").interval.total_seconds() == 60
    task = Publish.model_validate(
        {"id": "p", "type": Publish.type_name, "server": SERVER, "topic": "t", "from": [1], "retain": True}
    )
    assert (task.qos, task.retain, task.serde_type) == (1, True, "JSON")


def test_clients_for_each_kind_of_server_and_session():
    async def main() -> None:
        ctx = FakeRunContext(secrets={"PASS": "s3cret"})
        v3 = realtime("a", server="ssl://broker", mqttVersion="V3", password="{{ secret('PASS') }}", username="u")
        mqtt = client(ctx.render, v3, identifier="me", persistent=True, manual_ack=True)
        paho = mqtt._client
        assert (paho._clean_session, paho._manual_ack, paho._username, paho._password) == (False, True, b"u", b"s3cret")
        assert paho._ssl_context is not None and (mqtt._hostname, mqtt._port) == ("broker", 8883)
        v5 = realtime("a", server="wss://broker/mqtt", httpsHostnameVerificationEnabled=False, connectionTimeout="PT2S")
        mqtt = client(ctx.render, v5, identifier=None, persistent=True)
        assert mqtt._clean_start is False and mqtt._properties.SessionExpiryInterval == 0xFFFFFFFF
        assert (mqtt._client._transport, mqtt._port, mqtt.timeout) == ("websockets", 443, 2.0)
        assert mqtt._client._ssl_context.check_hostname is False
        assert client(ctx.render, v5, identifier=None, persistent=False)._clean_start is True
        ctx.close()

    asyncio.run(main())


# --- Publish -----------------------------------------------------------------------------------------------------


def test_publish_sends_each_rendered_message_and_counts_them(topic):
    async def main() -> list[aiomqtt.Message]:
        async with aiomqtt.Client("127.0.0.1") as consumer:
            await consumer.subscribe(topic, qos=1)
            task = Publish.model_validate(
                {
                    "id": "p",
                    "type": Publish.type_name,
                    "server": SERVER,
                    "topic": topic,
                    "from": [{"id": 1, "item": "{{ inputs.item }}"}, {"id": 2, "item": "pen"}],
                }
            )
            ctx = FakeRunContext(variables={"inputs": {"item": "book"}})
            assert await task.run(ctx) == {"messagesCount": 2}
            assert ctx.metrics[0].name == "records" and ctx.metrics[0].value == 2
            ctx.close()
            return [await asyncio.wait_for(anext(consumer.messages), WAIT) for _ in range(2)]

    messages = asyncio.run(main())
    assert [json.loads(m.payload) for m in messages] == [{"id": 1, "item": "book"}, {"id": 2, "item": "pen"}]
    assert {m.qos for m in messages} == {1}


def test_publish_a_string_with_qos_0_and_the_lines_of_a_stored_file(topic):
    async def main() -> list[bytes]:
        async with aiomqtt.Client("127.0.0.1") as consumer:
            await consumer.subscribe(topic, qos=1)
            with FakeRunContext() as ctx:
                uri = ctx.add_file("rows.ion", '{"n":1}\n\n{"n":2}\n')
                one = Publish(id="p", type=Publish.type_name, server=SERVER, topic=topic, from_="hi", qos=0)
                one = one.model_copy(update={"serde_type": "STRING"})
                assert await one.run(ctx) == {"messagesCount": 1}
                rows = Publish(id="p", type=Publish.type_name, server="mqtt://127.0.0.1", topic=topic, from_=uri)
                assert await rows.run(ctx) == {"messagesCount": 2}
            return [(await asyncio.wait_for(anext(consumer.messages), WAIT)).payload for _ in range(3)]

    assert asyncio.run(main()) == [b"hi", b'{"n":1}', b'{"n":2}']


# --- RealtimeTrigger ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["V5", "V3"])
def test_listen_yields_one_event_per_message_and_what_is_not_acknowledged_comes_again(topic, ctx, version):
    trigger = realtime([topic + "/+", "elsewhere/never"], serdeType="JSON", mqttVersion=version)

    async def main() -> None:
        await subscribed(trigger, ctx)
        await publish(topic + "/a", '{"id": 1}', '{"id": 2}')  # while no listener runs: kept by the session
        events = trigger.listen(ctx)
        first, second = await take(events, 2)
        assert first.variables == {
            "id": first.variables["id"],
            "topic": topic + "/a",
            "qos": 1,
            "properties": first.variables["properties"],
            "payload": {"id": 1},
            "retain": False,
        }
        assert second.variables["payload"] == {"id": 2}
        await first.ack()  # the second is not acknowledged: the execution was not stored (a crash)
        await events.aclose()

        events = trigger.listen(ctx)
        (again,) = await take(events, 1)
        assert again.variables["payload"] == {"id": 2}
        await again.ack()
        assert await nothing_more(events)
        await events.aclose()

        assert await quiet(trigger, ctx)  # everything acknowledged

    asyncio.run(main())


def test_listen_skips_and_acknowledges_a_payload_it_cannot_read(topic, ctx):
    trigger = realtime(topic)

    async def main() -> None:
        await subscribed(trigger, ctx)
        await publish(topic, "not json", '"fine"')
        events = trigger.listen(ctx)
        (event,) = await take(events, 1)
        assert event.variables["payload"] == "fine"
        await event.ack()
        await events.aclose()
        assert any(level == "ERROR" and "is not JSON" in message for level, message in ctx.lines)
        assert await quiet(trigger, ctx)  # the unreadable one was acknowledged too

    asyncio.run(main())


def test_listen_with_qos_0_and_string_payloads(topic, ctx):
    trigger = realtime("{{ 'choreo-test' }}/" + topic.split("/")[1], qos=0, serdeType="STRING")

    async def main() -> None:
        events = trigger.listen(ctx)
        waiting = await until_subscribed(events, ctx)
        await publish(topic, "plain", qos=0)
        event = await asyncio.wait_for(waiting, WAIT)
        assert (event.variables["payload"], event.variables["qos"]) == ("plain", 0)
        await event.ack()
        await events.aclose()

    asyncio.run(main())


# --- Trigger (batch) ---------------------------------------------------------------------------------------------


def test_poll_returns_one_batch_up_to_max_records_and_a_batch_not_acknowledged_comes_again(topic, ctx):
    trigger = batch(topic, maxRecords=2, maxDuration="PT5S", serdeType="STRING")

    async def main() -> None:
        assert await batch(topic, maxDuration="PT0.2S").poll(ctx) == []  # the session now keeps the topic
        await publish(topic, "a", "b", "c")

        (event,) = await trigger.poll(ctx)
        assert event.variables["count"] == event.variables["messagesCount"] == 2
        rows = [json.loads(line) for line in ctx.read(event.variables["uri"]).decode().splitlines()]
        assert [(r["payload"], r["topic"], r["qos"]) for r in rows] == [("a", topic, 1), ("b", topic, 1)]
        # no ack: the execution was not stored; the next poll closes that connection and gets them again

        (again,) = await trigger.poll(ctx)
        assert [json.loads(line)["payload"] for line in ctx.read(again.variables["uri"]).decode().splitlines()] == [
            "a",
            "b",
        ]
        await again.ack()

        (last,) = await batch(topic, maxRecords=1, maxDuration="PT5S", serdeType="STRING").poll(ctx)
        assert last.variables["count"] == 1
        assert json.loads(ctx.read(last.variables["uri"]))["payload"] == "c"
        await last.ack()

        assert await batch(topic, maxDuration="PT0.2S").poll(ctx) == []

    asyncio.run(main())
