"""Redis list realtime trigger and push task against the machine's Redis (127.0.0.1:6379): one execution per
item, none lost across a restart."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
import redis

from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from runtime_support import returned_values, run_until

URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def key():
    name = f"choreo-test-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(URL)
    client.delete(name, name + ":choreo-processing")
    client.close()


def flows(key: str) -> list[str]:
    consumer = f"""id: consume
namespace: brokers
tasks:
  - id: echo
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.value.id }}}} {{{{ trigger.value.item }}}}"
triggers:
  - id: orders
    type: io.kestra.plugin.redis.list.RealtimeTrigger
    url: {URL}
    key: {key}
    serdeType: JSON
"""
    producer = f"""id: produce
namespace: brokers
tasks:
  - id: push
    type: io.kestra.plugin.redis.list.ListPush
    url: {URL}
    key: {key}
    serdeType: JSON
    from:
      - {{"id": 1, "item": "book"}}
      - {{"id": 2, "item": "pen"}}
"""
    return [consumer, producer]


def consumed(rt: Runtime) -> list[str]:
    return returned_values(rt, "consume")


def test_each_pushed_item_becomes_one_execution_and_a_restart_loses_none(tmp_path, key):
    rt = Runtime(ServerConfig(home=tmp_path))
    for source in flows(key):
        save_flow(rt.app, rt.store, source)
    try:
        rt.control.create(rt.flows.get("brokers", "produce"), {})  # the push task publishes two items
        run_until(rt, lambda: len(consumed(rt)) == 2)
        assert consumed(rt) == ["1 book", "2 pen"]
        publisher = redis.Redis.from_url(URL)
        publisher.rpush(key, '{"id": 3, "item": "ink"}')  # while no listener runs
        publisher.close()
        run_until(rt, lambda: len(consumed(rt)) == 3)  # "restarted": the item waited in the list
        assert consumed(rt) == ["1 book", "2 pen", "3 ink"]
        check = redis.Redis.from_url(URL)
        assert check.llen(key) == 0 and check.llen(key + ":choreo-processing") == 0  # all acknowledged
        check.close()
    finally:
        rt.close()


def test_an_item_left_unacknowledged_by_a_crash_is_consumed_again(tmp_path, key):
    rt = Runtime(ServerConfig(home=tmp_path))
    save_flow(rt.app, rt.store, flows(key)[0])
    client = redis.Redis.from_url(URL)
    client.rpush(key + ":choreo-processing", '{"id": 9, "item": "lost?"}')  # taken, then the process died
    client.close()
    try:
        run_until(rt, lambda: len(consumed(rt)) == 1)
        assert consumed(rt) == ["9 lost?"]
    finally:
        rt.close()


def test_the_batch_trigger_takes_items_in_one_execution(tmp_path, key):
    rt = Runtime(ServerConfig(home=tmp_path))
    save_flow(
        rt.app,
        rt.store,
        f"""id: batch
namespace: brokers
tasks:
  - id: count
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.count }}}}:{{{{ read(trigger.uri) | trim }}}}"
triggers:
  - id: every
    type: io.kestra.plugin.redis.list.Trigger
    url: {URL}
    key: {key}
    maxRecords: 10
    interval: PT0.2S
""",
    )
    publisher = redis.Redis.from_url(URL)
    publisher.rpush(key, "a", "b", "c")
    publisher.close()

    def done() -> list[str]:
        found = rt.store.executions.search(flow_id="batch", size=10).items
        return [e.task_run_list[0].outputs["value"] for e in found if e.state.current.value == "SUCCESS"]

    try:
        run_until(rt, lambda: bool(done()))
        assert done() == ['3:"a"\n"b"\n"c"']
        check = redis.Redis.from_url(URL)
        assert check.llen(key) == 0 and check.llen(key + ":choreo-processing") == 0
        check.close()
    finally:
        rt.close()


def test_pubsub_messages_start_executions_while_subscribed(tmp_path, key):
    rt = Runtime(ServerConfig(home=tmp_path))
    save_flow(
        rt.app,
        rt.store,
        f"""id: subscriber
namespace: brokers
tasks:
  - id: echo
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.channel }}}} {{{{ trigger.value }}}}"
triggers:
  - id: events
    type: io.kestra.plugin.redis.pubsub.RealtimeTrigger
    url: {URL}
    channel: {key}
""",
    )
    save_flow(
        rt.app,
        rt.store,
        f"""id: announcer
namespace: brokers
tasks:
  - id: publish
    type: io.kestra.plugin.redis.pubsub.Publish
    url: {URL}
    channel: {key}
    from: [hello, world]
""",
    )

    def seen() -> list[str]:
        found = rt.store.executions.search(flow_id="subscriber", size=10).items
        return sorted(e.task_run_list[0].outputs["value"] for e in found if e.state.current.value == "SUCCESS")

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(rt.run(stop, frozenset({"executor", "worker", "triggers"})))
        probe = redis.Redis.from_url(URL)
        deadline = time.monotonic() + 10
        while probe.pubsub_numsub(key)[0][1] == 0 and time.monotonic() < deadline:  # subscribed before publishing
            await asyncio.sleep(0.05)
        probe.close()
        rt.control.create(rt.flows.get("brokers", "announcer"), {})
        while len(seen()) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        stop.set()
        await task

    try:
        asyncio.run(main())
        assert seen() == [f"{key} hello", f"{key} world"]
    finally:
        rt.close()


def test_two_processes_never_listen_to_the_same_trigger(tmp_path, key):
    """Two runtimes on one store (as two `choreo server scheduler` processes): a pub/sub message heard by both
    would start two executions; the lease makes one of them listen."""
    first = Runtime(ServerConfig(home=tmp_path))
    second = Runtime(ServerConfig(home=tmp_path))
    save_flow(
        first.app,
        first.store,
        f"""id: subscriber
namespace: brokers
tasks:
  - id: echo
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.value }}}}"
triggers:
  - id: events
    type: io.kestra.plugin.redis.pubsub.RealtimeTrigger
    url: {URL}
    channel: {key}
""",
    )

    async def main() -> None:
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(rt.run(stop, frozenset({"executor", "worker", "triggers"}))) for rt in (first, second)
        ]
        probe = redis.Redis.from_url(URL)
        deadline = time.monotonic() + 10
        while probe.pubsub_numsub(key)[0][1] == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # both runtimes have synced their listeners by now
        assert probe.pubsub_numsub(key)[0][1] == 1
        for n in range(3):
            probe.publish(key, f"m{n}")
        probe.close()
        while first.store.executions.search(flow_id="subscriber").total < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        stop.set()
        await asyncio.gather(*tasks)

    try:
        asyncio.run(main())
        assert first.store.executions.search(flow_id="subscriber").total == 3
    finally:
        first.close()
        second.close()
