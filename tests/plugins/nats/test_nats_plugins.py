"""NATS plugins against the machine's NATS server (127.0.0.1:4222, JetStream enabled): the realtime trigger's
events and acknowledgements, the batch trigger's file, and what Produce publishes."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.js.errors import NotFoundError

from choreo.expr import ExpressionEngine
from choreo.plugins.context import TriggerEvent
from choreo.plugins.nats._connection import stream_name
from choreo.plugins.nats.core.produce import Produce
from choreo.plugins.nats.core.realtime_trigger import RealtimeTrigger
from choreo.plugins.nats.core.trigger import Trigger
from choreo.testing import FakeLogger, FakeRunContext

URL = "nats://127.0.0.1:4222"


class FakeTriggerContext:
    """A TriggerContext without an engine: the real expression engine, files written to a directory."""

    namespace = "tests"
    flow_id = "nats"
    trigger_id = "watch"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.engine = ExpressionEngine()
        self.log_lines: list[tuple[str, str]] = []
        self.logger = FakeLogger(self.log_lines)

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        return self.engine.render_value(value, dict(extra or {}))

    def put_file(self, name: str, data: bytes) -> str:
        (self.root / name).write_bytes(data)
        return f"kestra:///tests/nats/{name}"

    def read(self, uri: str) -> str:
        return (self.root / uri.rsplit("/", 1)[-1]).read_text(encoding="utf-8")


async def _delete_streams(subject: str) -> None:
    nc = await nats.connect(URL)
    try:
        js = nc.jetstream()
        while True:
            try:
                await js.delete_stream(await js.find_stream_name_by_subject(subject))
            except NotFoundError:
                break
    finally:
        await nc.close()


@pytest.fixture
def subject():
    name = f"choreo.test.{uuid.uuid4().hex[:8]}"
    yield name
    asyncio.run(_delete_streams(name))


@pytest.fixture
def ctx(tmp_path):
    return FakeTriggerContext(tmp_path)


def produce(subject: str, messages: Any, files: Mapping[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    data = {"id": "produce", "type": "io.kestra.plugin.nats.Produce", "url": URL, "subject": subject, "from": messages}
    task = Produce.model_validate(data | extra)
    with FakeRunContext(files=files) as run_context:
        return asyncio.run(task.run(run_context))


def realtime(subject: str, **extra: Any) -> RealtimeTrigger:
    data = {"id": "watch", "type": "io.kestra.plugin.nats.RealtimeTrigger", "url": URL, "subject": subject}
    return RealtimeTrigger.model_validate(data | extra)


async def take(trigger: RealtimeTrigger, ctx: FakeTriggerContext, count: int, *, ack: bool) -> list[TriggerEvent]:
    """The first `count` events of a listen (acknowledged or not); the listener is then closed."""
    listening = trigger.listen(ctx)
    events = []
    try:
        while len(events) < count:
            event = await asyncio.wait_for(anext(listening), 5)
            if ack:
                assert event.ack is not None
                await event.ack()
            events.append(event)
    finally:
        await listening.aclose()
    return events


async def nothing_more(trigger: RealtimeTrigger, ctx: FakeTriggerContext) -> bool:
    listening = trigger.listen(ctx)
    try:
        await asyncio.wait_for(anext(listening), 0.5)
    except TimeoutError:
        return True
    finally:
        await listening.aclose()
    return False


def test_the_realtime_trigger_gives_one_event_per_message_in_kestras_shape(subject, ctx):
    produce(subject, [{"headers": {"origin": "test", "tags": ["a", "b"]}, "data": "first"}, "second"])
    trigger = realtime(subject, durableId=f"d{uuid.uuid4().hex[:8]}")

    events = asyncio.run(take(trigger, ctx, 2, ack=True))

    first, second = (event.variables for event in events)
    assert first["subject"] == subject and first["data"] == "first"
    assert first["headers"] == {"origin": ["test"], "tags": ["a,b"]}
    assert first["timestamp"].endswith("Z") and first["timestamp"][:2] == "20"
    assert second["data"] == "second" and second["headers"] == {}
    assert asyncio.run(nothing_more(trigger, ctx))  # acknowledged: the durable consumer does not give them again


def test_a_stream_named_after_the_subject_is_created_when_none_holds_it(subject, ctx):
    async def stream_of(name: str) -> str:
        nc = await nats.connect(URL)
        try:
            return await nc.jetstream().find_stream_name_by_subject(name)
        finally:
            await nc.close()

    trigger = realtime(subject, durableId="created")
    assert asyncio.run(nothing_more(trigger, ctx))
    assert asyncio.run(stream_of(subject)) == stream_name(subject) == subject.replace(".", "_")


def test_a_message_left_unacknowledged_is_delivered_again_at_once(subject, ctx):
    produce(subject, "once")
    trigger = realtime(subject, durableId="again")

    (unacknowledged,) = asyncio.run(take(trigger, ctx, 1, ack=False))  # received, the listener stopped before the ack
    (again,) = asyncio.run(take(trigger, ctx, 1, ack=True))

    assert unacknowledged.variables["data"] == again.variables["data"] == "once"
    assert asyncio.run(nothing_more(trigger, ctx))


def test_a_durable_consumer_resumes_after_what_it_acknowledged(subject, ctx):
    trigger = realtime(subject, durableId="resume", batchSize=2)
    produce(subject, ["a", "b", "c"])
    assert [e.variables["data"] for e in asyncio.run(take(trigger, ctx, 2, ack=True))] == ["a", "b"]
    produce(subject, ["d"])  # while nobody listens
    assert [e.variables["data"] for e in asyncio.run(take(trigger, ctx, 2, ack=True))] == ["c", "d"]


def test_deliver_policy_new_skips_what_was_stored_before_the_consumer(subject, ctx):
    produce(subject, ["old"])
    trigger = realtime(subject, durableId="new", deliverPolicy="New")
    assert asyncio.run(nothing_more(trigger, ctx))  # the consumer now exists, after "old"
    produce(subject, ["fresh"])
    assert [e.variables["data"] for e in asyncio.run(take(trigger, ctx, 1, ack=True))] == ["fresh"]


def test_the_batch_trigger_puts_the_waiting_messages_in_one_file(subject, ctx):
    produce(subject, [{"data": "a", "headers": {"k": "v"}}, "b", "c"])
    trigger = Trigger.model_validate(
        {
            "id": "batch",
            "type": "io.kestra.plugin.nats.Trigger",
            "url": URL,
            "subject": subject,
            "durableId": "batch",
            "maxRecords": 2,
            "pollDuration": "PT0.2S",
            "interval": "PT1S",
        }
    )

    (event,) = asyncio.run(trigger.poll(ctx))
    assert event.variables["messagesCount"] == event.variables["count"] == 2
    lines = [json.loads(line) for line in ctx.read(event.variables["uri"]).splitlines()]
    assert [(m["subject"], m["data"], m["headers"]) for m in lines] == [
        (subject, "a", {"k": ["v"]}),
        (subject, "b", {}),
    ]
    assert event.ack is not None
    asyncio.run(event.ack())

    (rest,) = asyncio.run(trigger.poll(ctx))
    assert rest.variables["count"] == 1 and json.loads(ctx.read(rest.variables["uri"]))["data"] == "c"
    assert rest.ack is not None
    asyncio.run(rest.ack())
    assert asyncio.run(trigger.poll(ctx)) == []  # all acknowledged
    assert trigger.interval.total_seconds() == 1


async def _received(subject: str) -> list[tuple[str, dict[str, str] | None]]:
    nc = await nats.connect(URL)
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe(subject, stream=await js.find_stream_name_by_subject(subject))
        found = []
        while True:
            try:
                messages = await sub.fetch(10, timeout=0.3)
            except nats.errors.TimeoutError:
                return found
            found += [(m.data.decode(), m.headers) for m in messages]
    finally:
        await nc.close()


def test_produce_publishes_strings_maps_rendered_json_and_files(subject, tmp_path):
    assert produce(subject, "plain") == {"messagesCount": 1}
    assert produce(subject, {"headers": {"h": "1"}, "data": {"id": 1}}) == {"messagesCount": 1}
    assert produce(subject, '[{"data": "from json"}, {"data": "{{ 1 + 1 }}"}]') == {"messagesCount": 2}
    assert produce(subject, "aGk=", serializationType="BASE64") == {"messagesCount": 1}
    lines = '{"data": "line 1"}\n{"data": "line 2", "headers": {"n": "2"}}\n'
    assert produce(subject, "kestra:///fake/messages.jsonl", files={"messages.jsonl": lines}) == {"messagesCount": 2}
    assert produce(subject, []) == {"messagesCount": 0}

    assert asyncio.run(_received(subject)) == [
        ("plain", None),
        ('{"id": 1}', {"h": "1"}),
        ("from json", None),
        ("2", None),
        ("hi", None),
        ("line 1", None),
        ("line 2", {"n": "2"}),
    ]


def test_produce_names_what_a_message_may_hold(subject):
    from choreo.plugins.context import TaskFailed

    with pytest.raises(TaskFailed, match="only `data` and `headers`"):
        produce(subject, {"payload": "x"})


def test_flows_using_nats_types_validate_without_importing_the_client():
    flow = f"""id: nats
namespace: tests
tasks:
  - id: produce
    type: io.kestra.plugin.nats.Produce
    url: {URL}
    subject: a.b
    from: [{{data: x}}]
triggers:
  - id: realtime
    type: io.kestra.plugin.nats.RealtimeTrigger
    url: {URL}
    subject: a.b
    durableId: d
    deliverPolicy: LastPerSubject
  - id: batch
    type: io.kestra.plugin.nats.core.Trigger
    url: {URL}
    subject: a.b
    maxRecords: "{{{{ 5 }}}}"
    maxDuration: PT10S
    interval: PT30S
"""
    script = f"""
import sys
from choreo.model.loader import FlowLoader
from choreo.plugins.registry import PluginRegistry
flow = FlowLoader(PluginRegistry.from_entry_points()).load({flow!r})
assert [type(t).__name__ for t in flow.triggers] == ["RealtimeTrigger", "Trigger"]
assert not [m for m in sys.modules if m == "nats" or m.startswith("nats.")], "the NATS client was imported"
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_a_durable_consumer_of_another_subject_is_an_error_not_a_silent_switch(subject, ctx):
    other = f"{subject}.other"

    async def hold_both_subjects() -> None:
        nc = await nats.connect(URL)
        try:
            await nc.jetstream().update_stream(name=stream_name(other), subjects=[other, subject])
        finally:
            await nc.close()

    try:
        produce(other, "elsewhere")  # a stream for `other`, named after it
        trigger = realtime(other, durableId="shared")
        assert [e.variables["data"] for e in asyncio.run(take(trigger, ctx, 1, ack=True))] == ["elsewhere"]
        asyncio.run(hold_both_subjects())  # the stream now holds both; its consumer `shared` filters `other`
        with pytest.raises(ValueError, match=f"consumes {other}, not {subject}"):
            asyncio.run(take(realtime(subject, durableId="shared"), ctx, 1, ack=True))
    finally:
        asyncio.run(_delete_streams(other))
