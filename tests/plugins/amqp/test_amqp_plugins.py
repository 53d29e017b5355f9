"""AMQP plugins against the machine's RabbitMQ (127.0.0.1:5672, guest/guest): Publish, RealtimeTrigger (one event
per message, acknowledged by the event) and Trigger (one batch file per poll); validation without aio-pika."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aio_pika
import pytest

from choreo.expr import ExpressionEngine
from choreo.model.plugin import PluginModel, ValidationScope
from choreo.plugins.amqp import trigger as trigger_module
from choreo.plugins.amqp._connection import message_variables
from choreo.plugins.amqp.catalog import PLUGINS
from choreo.plugins.amqp.publish import Publish
from choreo.plugins.amqp.realtime_trigger import RealtimeTrigger
from choreo.plugins.amqp.trigger import Trigger
from choreo.plugins.context import TaskFailed, TriggerEvent
from choreo.testing import FakeLogger, FakeRunContext

URL = "amqp://guest:guest@127.0.0.1:5672/"
WAIT = 5.0


class FakeTriggerContext:
    """A TriggerContext: real rendering, a recording logger, files written under `root`."""

    namespace, flow_id, trigger_id = "tests", "consume", "amqp"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lines: list[tuple[str, str]] = []
        self.logger = FakeLogger(self.lines)
        self.state: dict[str, Any] = {}
        self.files: dict[str, bytes] = {}
        self._engine = ExpressionEngine()

    def render(self, value: Any, extra: dict[str, Any] | None = None) -> Any:
        return self._engine.render_value(value, dict(extra or {}))

    def put_file(self, name: str, data: bytes) -> str:
        path = self.root / f"{len(self.files)}-{name}"
        path.write_bytes(data)
        uri = f"kestra:///triggers/{path.name}"
        self.files[uri] = data
        return uri


async def _admin(action):
    connection = await aio_pika.connect(URL)
    try:
        return await action(await connection.channel())
    finally:
        await connection.close()


async def waiting(queue: str) -> int:
    """The messages waiting in `queue` (those delivered and not acknowledged yet are not counted)."""

    async def count(channel):
        return (await channel.declare_queue(queue, passive=True)).declaration_result.message_count

    return await _admin(count)


def ready(queue: str) -> int:
    return asyncio.run(waiting(queue))


@pytest.fixture
def queue():
    name = f"choreo-test-{uuid.uuid4().hex[:8]}"

    async def declare(channel):
        await channel.declare_queue(name, durable=True)

    async def delete(channel):
        await channel.queue_delete(name)

    asyncio.run(_admin(declare))
    yield name
    asyncio.run(_admin(delete))


@pytest.fixture
def tctx(tmp_path) -> FakeTriggerContext:
    return FakeTriggerContext(tmp_path)


def publish(queue: str, messages: Any, serde: str = "STRING", **properties: Any) -> dict[str, Any]:
    task = Publish.model_validate(
        {"id": "p", "type": Publish.type_name, "url": URL, "routingKey": queue, "serdeType": serde, "from": messages}
        | properties
    )
    with FakeRunContext() as ctx:
        return asyncio.run(task.run(ctx))


def realtime(queue: str, **properties: Any) -> RealtimeTrigger:
    base = {"id": "rt", "type": RealtimeTrigger.type_name, "url": URL, "queue": queue}
    return RealtimeTrigger.model_validate(base | properties)


def batch(queue: str, **properties: Any) -> Trigger:
    return Trigger.model_validate({"id": "b", "type": Trigger.type_name, "url": URL, "queue": queue} | properties)


async def take(events: AsyncIterator[TriggerEvent], count: int) -> list[TriggerEvent]:
    return [await asyncio.wait_for(anext(events), WAIT) for _ in range(count)]


# --- validation ----------------------------------------------------------------------------------------------


def test_validation_checks_connection_and_batch_properties_without_importing_aio_pika():
    flow = textwrap.dedent(
        """\
        id: f
        namespace: tests
        tasks:
          - id: publish
            type: io.kestra.plugin.amqp.Publish
            host: localhost
            port: "{{ vars.port }}"
            from: [{data: a, bogus: 1}]
        triggers:
          - id: both
            type: io.kestra.plugin.amqp.RealtimeTrigger
            url: amqp://guest:guest@localhost:5672/
            host: localhost
            queue: q
          - id: neither
            type: io.kestra.plugin.amqp.RealtimeTrigger
            queue: q
          - id: endless
            type: io.kestra.plugin.amqp.Trigger
            host: localhost
            queue: q
          - id: fine
            type: io.kestra.plugin.amqp.Trigger
            host: localhost
            queue: q
            maxDuration: PT5S
            interval: PT10S
        """
    )
    code = (
        "import sys\n"
        "from choreo.app import Choreo, Settings\n"
        f"result = Choreo(Settings()).flows.validate({flow!r})\n"
        "for v in result.violations: print(v.path, '|', v.message)\n"
        "assert 'aio_pika' not in sys.modules, 'aio_pika imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    problems = done.stdout.splitlines()
    assert [p.split(" | ")[0] for p in problems] == [
        "tasks[0].from[0]",
        "triggers[0].host",
        "triggers[1].host",
        "triggers[2].maxRecords",
    ], problems
    assert "unknown message property 'bogus'" in problems[0]
    assert "cannot both be set" in problems[1]
    assert "`host` is required" in problems[2]
    assert "maxRecords` or `maxDuration" in problems[3]


@pytest.mark.parametrize("cls", PLUGINS, ids=lambda c: c.type_name)
def test_declarations_are_documented(cls: type[PluginModel]):
    module = sys.modules[cls.__module__]
    assert module.__doc__.split()[0] == cls.type_name
    assert cls.__doc__ and "```yaml" in cls.__doc__
    assert [name for name, f in cls.model_fields.items() if name != "type" and not f.description] == []
    assert list(cls(**_minimal(cls)).problems(ValidationScope())) == []


def _minimal(cls: type[PluginModel]) -> dict[str, Any]:
    base = {"id": "x", "type": cls.type_name, "host": "localhost"}
    if cls is Publish:
        return base | {"from": "a"}
    if cls is Trigger:
        return base | {"queue": "q", "maxRecords": 1}
    return base | {"queue": "q"}


def test_connection_options_read_the_url_as_kestra_does():
    def options(**properties: Any) -> dict[str, Any]:
        return realtime("q", **properties).connection_options(lambda value: value)

    assert options(url="amqp://user:p%40ss@broker:1234/my_vhost") == {
        "host": "broker",
        "port": 1234,
        "login": "user",
        "password": "p@ss",
        "virtualhost": "/my_vhost",
        "ssl": False,
    }
    assert options(url="amqps://broker", username="u") == {
        "host": "broker",
        "port": 5671,
        "virtualhost": "/",
        "ssl": True,
        "login": "u",
    }
    properties = {"url": None, "host": "h", "port": "5673", "virtualHost": "/v", "username": "u", "password": "p"}
    assert options(**properties) == {
        "host": "h",
        "port": 5673,
        "virtualhost": "/v",
        "ssl": False,
        "login": "u",
        "password": "p",
    }
    with pytest.raises(ValueError, match="expected amqp://"):
        options(url="http://broker/")


# --- Publish and RealtimeTrigger -----------------------------------------------------------------------------


def test_published_messages_become_events_with_their_properties_acknowledged_by_the_event(queue, tctx):
    messages = [
        {
            "data": {"id": 1, "item": "book"},
            "headers": {"source": "shop", "n": 2, "ok": True},
            "messageId": "m-1",
            "timestamp": "2023-01-09T08:46:33.103130753Z",
            "appId": "tests",
            "contentType": "application/json",
            "expiration": "PT1H",
        },
        {"data": {"id": 2, "item": "pen"}, "deliveryMode": 1, "priority": 3},
    ]
    assert publish(queue, messages, "JSON") == {"messagesCount": 2}
    trigger = realtime(queue, url=None, host="127.0.0.1", password="{{ 'guest' }}", username="guest", serdeType="JSON")

    async def main() -> list[dict[str, Any]]:
        events = trigger.listen(tctx)
        first, second = await take(events, 2)
        assert await waiting(queue) == 0  # delivered, not acknowledged
        await first.ack()
        await second.ack()
        await events.aclose()
        return [first.variables, second.variables]

    first, second = asyncio.run(main())
    assert first == {
        "data": {"id": 1, "item": "book"},
        "headers": {"source": "shop", "n": "2", "ok": "true"},
        "messageId": "m-1",
        "timestamp": "2023-01-09T08:46:33Z",
        "appId": "tests",
        "contentType": "application/json",
        "expiration": "PT1H",
        "deliveryMode": 2,
        "priority": 0,
        "routingKey": queue,
        "exchange": "",
        "redelivered": False,
    }
    assert second["data"] == {"id": 2, "item": "pen"} and second["deliveryMode"] == 1 and second["priority"] == 3
    assert ready(queue) == 0  # both acknowledged: nothing comes back


def test_a_message_not_acknowledged_before_the_connection_closed_is_delivered_again(queue, tctx):
    publish(queue, "only")

    async def main() -> None:
        events = realtime(queue).listen(tctx)
        (event,) = await take(events, 1)
        assert event.variables["data"] == "only" and event.variables["redelivered"] is False
        await events.aclose()  # the connection closes: the broker takes the message back

        events = realtime(queue).listen(tctx)
        (again,) = await take(events, 1)
        assert again.variables["data"] == "only" and again.variables["redelivered"] is True
        await again.ack()
        await events.aclose()

    asyncio.run(main())
    assert ready(queue) == 0


def test_auto_ack_events_need_no_acknowledgement(queue, tctx):
    publish(queue, ["a", "b"])

    async def main() -> list[TriggerEvent]:
        events = realtime(queue, autoAck=True, consumerTag="choreo-{{ 1 + 1 }}").listen(tctx)
        found = await take(events, 2)
        await events.aclose()
        return found

    found = asyncio.run(main())
    assert [e.variables["data"] for e in found] == ["a", "b"] and [e.ack for e in found] == [None, None]
    assert ready(queue) == 0


def test_an_unreadable_message_is_logged_and_rejected_and_the_next_one_delivered(queue, tctx):
    publish(queue, ["not json", '{"ok": true}'])  # STRING: the texts as they are

    async def main() -> TriggerEvent:
        events = realtime(queue, serdeType="JSON").listen(tctx)
        (event,) = await take(events, 1)
        await event.ack()
        await events.aclose()
        return event

    assert asyncio.run(main()).variables["data"] == {"ok": True}
    assert ready(queue) == 0
    assert [level for level, _ in tctx.lines] == ["ERROR"] and "cannot be read, rejected" in tctx.lines[0][1]


def test_a_missing_queue_is_a_clear_error(tctx):
    async def main() -> None:
        await anext(realtime("choreo-test-missing-queue").listen(tctx))

    with pytest.raises(LookupError, match="'choreo-test-missing-queue' does not exist"):
        asyncio.run(main())


def test_a_listener_whose_queue_is_deleted_stops_with_an_error(queue, tctx):
    async def main() -> None:
        events = realtime(queue).listen(tctx)
        waiting_for_one = asyncio.ensure_future(anext(events))

        async def consumers(channel):
            return (await channel.declare_queue(queue, passive=True)).declaration_result.consumer_count

        async def delete(channel):
            await channel.queue_delete(queue)

        for _ in range(100):
            if await _admin(consumers):
                break
            await asyncio.sleep(0.02)

        await _admin(delete)
        await asyncio.wait_for(waiting_for_one, WAIT)

    with pytest.raises(ConnectionError, match="the broker cancelled the consumer"):
        asyncio.run(main())


def test_publish_to_a_named_exchange_reads_json_strings_and_storage_files(queue, tctx):
    exchange = f"{queue}-x"

    async def bind(channel):
        declared = await channel.declare_exchange(exchange, aio_pika.ExchangeType.DIRECT, auto_delete=True)
        await (await channel.get_queue(queue)).bind(declared, routing_key="new")

    async def unbind(channel):
        await channel.exchange_delete(exchange)

    asyncio.run(_admin(bind))
    try:
        assert publish(queue, '[{"data": "j1"}, {"data": "j2"}]', exchange=exchange, routingKey="new") == {
            "messagesCount": 2
        }
        with FakeRunContext() as ctx:
            uri = ctx.add_file("batch.ion", '{"data": "f1", "routingKey": "old", "redelivered": false}\n"f2"\n')
            task = Publish.model_validate(
                {"id": "p", "type": Publish.type_name, "host": "127.0.0.1", "exchange": exchange}
                | {"routingKey": "new", "from": "{{ inputs.file }}"}
            )
            ctx.variables["inputs"]["file"] = uri
            assert asyncio.run(task.run(ctx)) == {"messagesCount": 2}
            assert [(m.name, m.value) for m in ctx.metrics] == [("records", 2.0)]
        assert publish(queue, ["ignored"], exchange=exchange, routingKey="elsewhere") == {"messagesCount": 1}
    finally:
        asyncio.run(_admin(unbind))

    async def main() -> list[Any]:
        events = realtime(queue).listen(tctx)
        found = await take(events, 4)
        for event in found:
            await event.ack()
        await events.aclose()
        return [e.variables["data"] for e in found]

    assert asyncio.run(main()) == ["j1", "j2", "f1", "f2"]
    assert ready(queue) == 0  # the unroutable one went nowhere, as in Kestra


def test_publish_failures_name_the_message_or_the_exchange(queue):
    with pytest.raises(TaskFailed, match=r"from\[1\]: unknown message property 'id'"):
        publish(queue, [{"data": 1}, {"id": 1}])
    with pytest.raises(TaskFailed, match=r"from\[0\]: timestamp: expected an ISO date-time"):
        publish(queue, [{"data": 1, "timestamp": "yesterday"}])
    with pytest.raises(TaskFailed, match="exchange 'choreo-test-no-such-exchange' does not exist"):
        publish(queue, "a", exchange="choreo-test-no-such-exchange")
    assert ready(queue) == 0


# --- Trigger (batch) -----------------------------------------------------------------------------------------


def test_a_poll_takes_up_to_max_records_into_one_file_acknowledged_with_the_event(queue, tctx):
    publish(queue, [{"data": {"n": n}} for n in range(3)], "JSON")
    trigger = batch(queue, maxRecords=2, serdeType="JSON")

    async def main() -> None:
        (event,) = await trigger.poll(tctx)
        assert event.variables["count"] == 2
        lines = tctx.files[event.variables["uri"]].decode().splitlines()
        assert [json.loads(line)["data"] for line in lines] == [{"n": 0}, {"n": 1}]
        assert json.loads(lines[0])["routingKey"] == queue
        assert await waiting(queue) == 1  # the batch is taken, not yet acknowledged
        await event.ack()

        (rest,) = await trigger.poll(tctx)
        assert rest.variables["count"] == 1
        await rest.ack()
        assert await trigger.poll(tctx) == []  # an empty queue, no maxDuration: at once

    asyncio.run(main())
    assert ready(queue) == 0


def test_a_poll_waits_up_to_max_duration_for_messages(queue, tctx):
    trigger = batch(queue, maxRecords=1, maxDuration="PT3S")

    async def main() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        poll = asyncio.create_task(trigger.poll(tctx))
        await asyncio.sleep(0.3)
        await asyncio.to_thread(publish, queue, "late")
        (event,) = await poll
        await event.ack()
        assert json.loads(tctx.files[event.variables["uri"]])["data"] == "late"
        return loop.time() - started

    assert asyncio.run(main()) < 2.5  # maxRecords reached: no need to wait longer
    empty = batch(queue, maxDuration="PT0.3S")

    async def nothing() -> list[TriggerEvent]:
        return await empty.poll(tctx)

    assert asyncio.run(nothing()) == []


def test_a_batch_never_acknowledged_goes_back_to_the_queue(queue, tctx, monkeypatch):
    monkeypatch.setattr(trigger_module, "ACK_TIMEOUT_SECONDS", 0.2)
    publish(queue, ["a", "b"])

    async def main() -> None:
        (event,) = await batch(queue, maxRecords=10).poll(tctx)
        assert event.variables["count"] == 2 and await waiting(queue) == 0
        for _ in range(50):
            await asyncio.sleep(0.05)
            if await waiting(queue) == 2:
                break
        assert await waiting(queue) == 2
        with pytest.raises(aio_pika.exceptions.ChannelInvalidStateError):
            await event.ack()  # too late: its connection is closed

    asyncio.run(main())


def test_message_variables_leave_unset_properties_out():
    class Incoming:
        body = b"x"
        headers = None
        content_type = content_encoding = message_id = correlation_id = reply_to = None
        expiration = timestamp = type = user_id = app_id = None
        delivery_mode = priority = None
        routing_key, exchange, redelivered = "k", "", False

    assert message_variables(Incoming(), "STRING") == {  # type: ignore[arg-type]
        "data": "x",
        "headers": {},
        "routingKey": "k",
        "exchange": "",
        "redelivered": False,
    }
