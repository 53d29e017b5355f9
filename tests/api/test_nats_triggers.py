"""NATS JetStream triggers and the Produce task against the machine's NATS server (127.0.0.1:4222): one execution
per message, none lost while no runtime runs, a message left unacknowledged delivered again, batches in a file."""

from __future__ import annotations

import asyncio
import json
import uuid

import nats
import pytest
from nats.js import api
from nats.js.errors import NotFoundError

from choreo.plugins.nats._connection import ensure_stream
from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from runtime_support import all_ended, run_until
from runtime_support import returned_values as outputs

URL = "nats://127.0.0.1:4222"


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
    name = f"choreo.e2e.{uuid.uuid4().hex[:8]}"
    yield name
    asyncio.run(_delete_streams(name))


def consumer_flow(subject: str, durable: str) -> str:
    return f"""id: consume
namespace: brokers
tasks:
  - id: echo
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.headers.id[0] }}}} {{{{ trigger.data }}}}"
triggers:
  - id: orders
    type: io.kestra.plugin.nats.RealtimeTrigger
    url: {URL}
    subject: {subject}
    durableId: {durable}
"""


def producer_flow(subject: str) -> str:
    return f"""id: produce
namespace: brokers
tasks:
  - id: publish
    type: io.kestra.plugin.nats.Produce
    url: {URL}
    subject: {subject}
    from:
      - headers: {{id: "1"}}
        data: book
      - headers: {{id: "2"}}
        data: pen
"""


def executions(rt: Runtime, flow_id: str) -> int:
    return len(rt.store.executions.search(flow_id=flow_id, size=100).items)


async def publish(subject: str, data: bytes, headers: dict[str, str]) -> None:
    nc = await nats.connect(URL)
    try:
        js = nc.jetstream()
        await ensure_stream(js, subject)
        await js.publish(subject, data, headers=headers)
    finally:
        await nc.close()


def test_each_produced_message_becomes_one_execution_and_none_is_lost_between_runs(tmp_path, subject):
    rt = Runtime(ServerConfig(home=tmp_path))
    save_flow(rt.app, rt.store, consumer_flow(subject, "orders"))
    save_flow(rt.app, rt.store, producer_flow(subject))
    try:
        rt.control.create(rt.flows.get("brokers", "produce"), {})  # the Produce task publishes two messages
        run_until(rt, lambda: len(outputs(rt, "consume")) == 2 and all_ended(rt, "produce"))
        assert outputs(rt, "consume") == ["1 book", "2 pen"]
        assert rt.store.executions.search(flow_id="produce", size=1).items[0].task_run_list[0].outputs == {
            "messagesCount": 2
        }

        asyncio.run(publish(subject, b"ink", {"id": "3"}))  # while no runtime runs: kept by the durable consumer
        run_until(rt, lambda: len(outputs(rt, "consume")) == 3)
        assert outputs(rt, "consume") == ["1 book", "2 pen", "3 ink"]
        assert executions(rt, "consume") == 3  # the acknowledged ones were not delivered again
    finally:
        rt.close()


def test_a_message_left_unacknowledged_by_a_crash_is_consumed_again(tmp_path, subject):
    async def receive_and_crash() -> None:
        """A runtime that received the message and died before its execution was stored (so before the ack)."""
        nc = await nats.connect(URL)
        js = nc.jetstream()
        stream = await ensure_stream(js, subject)
        await js.add_consumer(stream, api.ConsumerConfig(durable_name="crashed", filter_subject=subject, ack_wait=0.5))
        await js.publish(subject, b"lost?", headers={"id": "9"})
        (message,) = await (await js.pull_subscribe_bind("crashed", stream)).fetch(1, timeout=2)
        assert message.data == b"lost?"
        await nc.close()  # no ack, no nak

    asyncio.run(receive_and_crash())
    rt = Runtime(ServerConfig(home=tmp_path))
    save_flow(rt.app, rt.store, consumer_flow(subject, "crashed"))
    try:
        run_until(rt, lambda: len(outputs(rt, "consume")) == 1)
        assert outputs(rt, "consume") == ["9 lost?"]
    finally:
        rt.close()


def test_the_batch_trigger_starts_one_execution_for_the_waiting_messages(tmp_path, subject):
    rt = Runtime(ServerConfig(home=tmp_path))
    save_flow(
        rt.app,
        rt.store,
        f"""id: batch
namespace: brokers
tasks:
  - id: count
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.messagesCount }}}}:{{{{ read(trigger.uri) | trim }}}}"
triggers:
  - id: every
    type: io.kestra.plugin.nats.Trigger
    url: {URL}
    subject: {subject}
    durableId: batch
    pollDuration: PT0.2S
    interval: PT0.2S
""",
    )
    for data in (b"a", b"b", b"c"):
        asyncio.run(publish(subject, data, {"id": data.decode()}))
    try:
        run_until(rt, lambda: bool(outputs(rt, "batch")))
        ((count, lines),) = [value.split(":", 1) for value in outputs(rt, "batch")]
        messages = [json.loads(line) for line in lines.splitlines()]
        assert count == "3"
        assert [(m["subject"], m["headers"], m["data"]) for m in messages] == [
            (subject, {"id": [data]}, data) for data in ("a", "b", "c")
        ]
    finally:
        rt.close()
