"""AMQP triggers and the Publish task against the machine's RabbitMQ (127.0.0.1:5672, guest/guest), in a running
server: one execution per message (or per batch), none lost across a restart or a connection closed before its ack."""

from __future__ import annotations

import asyncio
import json
import uuid

import aio_pika
import pytest

from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from runtime_support import all_ended, returned_values, run_until

URL = "amqp://guest:guest@127.0.0.1:5672/"


async def _admin(action):
    connection = await aio_pika.connect(URL)
    try:
        return await action(await connection.channel())
    finally:
        await connection.close()


def broker(action):
    return asyncio.run(_admin(action))


def send(queue: str, *bodies: str) -> None:
    async def publish(channel):
        for body in bodies:
            await channel.default_exchange.publish(aio_pika.Message(body.encode()), routing_key=queue)

    broker(publish)


def waiting(queue: str) -> int:
    async def count(channel):
        return (await channel.declare_queue(queue, passive=True)).declaration_result.message_count

    return broker(count)


@pytest.fixture
def queue():
    name = f"choreo-test-{uuid.uuid4().hex[:8]}"

    async def declare(channel):
        await channel.declare_queue(name, durable=True)

    async def delete(channel):
        await channel.queue_delete(name)

    broker(declare)
    yield name
    broker(delete)


def flows(queue: str) -> list[str]:
    consumer = f"""id: consume
namespace: brokers
tasks:
  - id: echo
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.data.id }}}} {{{{ trigger.data.item }}}}"
triggers:
  - id: orders
    type: io.kestra.plugin.amqp.RealtimeTrigger
    url: {URL}
    queue: {queue}
    serdeType: JSON
"""
    producer = f"""id: produce
namespace: brokers
tasks:
  - id: publish
    type: io.kestra.plugin.amqp.Publish
    host: 127.0.0.1
    username: guest
    password: guest
    routingKey: {queue}
    serdeType: JSON
    from:
      - data: {{"id": 1, "item": "book"}}
        headers:
          source: shop
      - data: {{"id": 2, "item": "pen"}}
"""
    return [consumer, producer]


def executions(rt: Runtime, flow_id: str) -> list:
    return rt.store.executions.search(flow_id=flow_id, size=100).items


def consumed(rt: Runtime, flow_id: str = "consume") -> list[str]:
    return returned_values(rt, flow_id)


def test_each_published_message_becomes_one_execution_and_a_restart_loses_none(tmp_path, queue):
    rt = Runtime(ServerConfig(home=tmp_path))
    for source in flows(queue):
        save_flow(rt.app, rt.store, source)
    try:
        rt.control.create(rt.flows.get("brokers", "produce"), {})  # the Publish task sends two messages
        run_until(rt, lambda: len(consumed(rt)) == 2 and all_ended(rt, "produce"))
        assert consumed(rt) == ["1 book", "2 pen"]
        assert len(executions(rt, "consume")) == 2
        produced = executions(rt, "produce")[0]
        assert produced.task_run_list[0].outputs == {"messagesCount": 2}
        send(queue, '{"id": 3, "item": "ink"}')  # while no listener runs
        run_until(rt, lambda: len(consumed(rt)) == 3)  # "restarted": the message waited in the queue
        assert consumed(rt) == ["1 book", "2 pen", "3 ink"]
        assert len(executions(rt, "consume")) == 3  # none of the first two came back
        first = next(e for e in executions(rt, "consume") if e.task_run_list[0].outputs["value"] == "1 book")
        assert first.trigger.variables["headers"] == {"source": "shop"}
        assert first.trigger.variables["routingKey"] == queue
        assert waiting(queue) == 0  # all acknowledged
    finally:
        rt.close()


def test_a_message_left_unacknowledged_by_a_closed_connection_is_consumed_again(tmp_path, queue):
    rt = Runtime(ServerConfig(home=tmp_path))
    save_flow(rt.app, rt.store, flows(queue)[0])
    send(queue, '{"id": 9, "item": "lost?"}')

    async def take_and_drop(channel):  # a consumer that got the message, then died before acknowledging it
        message = await (await channel.get_queue(queue)).get(no_ack=False, timeout=5)
        assert message is not None and message.body == b'{"id": 9, "item": "lost?"}'

    broker(take_and_drop)  # the connection closed without an ack
    try:
        run_until(rt, lambda: len(consumed(rt)) == 1)
        assert consumed(rt) == ["9 lost?"]
        (execution,) = executions(rt, "consume")
        assert execution.trigger.variables["redelivered"] is True
        assert waiting(queue) == 0
    finally:
        rt.close()


def test_the_batch_trigger_starts_one_execution_per_poll_with_the_messages_in_a_file(tmp_path, queue):
    rt = Runtime(ServerConfig(home=tmp_path))
    flow = f"""id: batch
namespace: brokers
tasks:
  - id: count
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.count }}}}: {{{{ read(trigger.uri) | trim }}}}"
triggers:
  - id: orders
    type: io.kestra.plugin.amqp.Trigger
    url: {URL}
    queue: {queue}
    maxRecords: 10
    interval: PT0.5S
"""
    save_flow(rt.app, rt.store, flow)
    send(queue, "a", "b", "c")
    try:
        run_until(rt, lambda: len(consumed(rt, "batch")) == 1)
        (value,) = consumed(rt, "batch")
        count, _, lines = value.partition(": ")
        assert count == "3"
        assert [json.loads(line)["data"] for line in lines.splitlines()] == ["a", "b", "c"]
        assert waiting(queue) == 0
    finally:
        rt.close()
