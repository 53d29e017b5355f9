"""Liveness on the real store: a worker whose heartbeat stopped has its attempt resubmitted (a new attempt, the old
one RESUBMITTED, a log line saying why), and a worker whose job was taken back commits nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from choreo.engine.jobs import EXECUTION_JOB, TASK_JOB, TaskJob
from choreo.engine.liveness import describe
from choreo.model.state import State
from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from runtime_support import ENGINE, run_until

FLOW = """id: slow
namespace: faults
tasks:
  - id: work
    type: io.kestra.plugin.core.debug.Return
    format: done
"""


@pytest.fixture
def rt(tmp_path):
    runtime = Runtime(ServerConfig(home=tmp_path, heartbeat_interval=0.1, heartbeat_timeout=1.0))
    save_flow(runtime.app, runtime.store, FLOW)
    yield runtime
    runtime.close()


def dispatched_task_job(rt: Runtime) -> None:
    """Start an execution and let the executor hand its task to the queue (no worker runs)."""
    execution = rt.control.create(rt.flows.get("faults", "slow"), {})
    jobs = rt.store.queue.claim(EXECUTION_JOB, rt.executor_service.consumer_id, 10)
    rt.executor_service.process(jobs)
    assert rt.store.queue.count(TASK_JOB) == 1
    return execution.id


def test_a_dead_workers_attempt_is_resubmitted(rt):
    execution_id = dispatched_task_job(rt)
    (job,) = rt.store.queue.claim(TASK_JOB, "gone-worker", 1)
    long_ago = datetime.now(UTC) - timedelta(seconds=10)
    dead = describe("gone-worker", "worker")
    rt.store.components.beat([dead], now=long_ago)
    assert [c.id for c in rt.store.components.stale(timedelta(seconds=1))] == ["gone-worker"]

    reaped = rt.liveness(frozenset({"executor"})).reap()

    assert reaped == ["gone-worker"]
    assert rt.store.components.list() == []
    assert rt.store.queue.claimed_by("gone-worker") == []
    run_until(rt, lambda: rt.store.executions.get(execution_id).state.current.is_terminal, components=ENGINE)
    execution = rt.store.executions.get(execution_id)
    assert execution.state.current == State.SUCCESS
    (run,) = execution.task_run_list
    assert [attempt.state.current for attempt in run.attempts] == [State.RESUBMITTED, State.SUCCESS]
    assert State.RESUBMITTED in [history.state for history in run.state.histories]
    messages = [entry.message for entry in rt.store.logs.search(execution_id=execution_id).items]
    assert any("gone-worker" in m and "resubmitted" in m for m in messages), messages


def test_a_live_component_is_not_reaped_and_a_reap_happens_once(rt):
    rt.store.components.beat([describe("alive-worker", "worker")])
    dead = describe("dead-executor", "executor")
    rt.store.components.beat([dead], now=datetime.now(UTC) - timedelta(seconds=10))
    first, second = rt.liveness(frozenset({"executor"})), rt.liveness(frozenset({"worker"}))
    assert first.reap() == ["dead-executor"]
    assert second.reap() == []
    assert [c.id for c in rt.store.components.list()] == ["alive-worker"]


def test_a_worker_whose_job_was_taken_back_commits_nothing(rt):
    execution_id = dispatched_task_job(rt)
    worker = rt.worker_service
    (job,) = rt.store.queue.claim(TASK_JOB, worker.consumer_id, 1)
    payload = TaskJob.from_payload(job.payload)
    rt.store.queue.release([job.id])  # presumed dead: the job went back to the queue…
    (again,) = rt.store.queue.claim(TASK_JOB, "another-worker", 1)  # …and another worker took it
    asyncio.run(worker._attempt(job, payload))  # the first worker finishes anyway
    assert rt.store.queue.count(EXECUTION_JOB) == 0  # no result was reported
    assert rt.store.queue.claimed_by("another-worker")[0].id == again.id
    assert rt.store.executions.get(execution_id).task_run_list[0].state.current == State.RUNNING


GROUP_FLOW = """id: gpu
namespace: faults
tasks:
  - id: train
    type: io.kestra.plugin.core.debug.Return
    format: trained
    workerGroup:
      key: gpu
      fallback: {fallback}
"""


@pytest.mark.parametrize(("fallback", "expected"), [("FAIL", State.FAILED), ("CANCEL", State.CANCELLED)])
def test_worker_group_fallback_when_no_worker_of_the_group_is_alive(tmp_path, fallback, expected):
    from choreo.app import Choreo, Settings

    app = Choreo(Settings(worker_groups=frozenset({"gpu"})))
    rt = Runtime(ServerConfig(home=tmp_path, heartbeat_timeout=1.0), app=app)
    try:
        save_flow(rt.app, rt.store, GROUP_FLOW.format(fallback=fallback))
        execution = rt.control.create(rt.flows.get("faults", "gpu"), {})
        run_until(rt, lambda: rt.store.executions.get(execution.id).state.current.is_terminal, components=ENGINE)
        ended = rt.store.executions.get(execution.id)
        assert ended.task_run_list[0].state.current == expected
        assert rt.store.queue.count(TASK_JOB) == 0  # never queued for a worker that is not there
        messages = [entry.message for entry in rt.store.logs.search(execution_id=execution.id).items]
        assert any("no worker of group 'gpu' is alive" in m for m in messages), messages
    finally:
        rt.close()


def test_worker_group_wait_queues_the_task_for_the_group(tmp_path):
    from choreo.app import Choreo, Settings

    app = Choreo(Settings(worker_groups=frozenset({"gpu"})))
    rt = Runtime(ServerConfig(home=tmp_path), app=app)
    try:
        save_flow(rt.app, rt.store, GROUP_FLOW.format(fallback="WAIT"))
        execution = rt.control.create(rt.flows.get("faults", "gpu"), {})
        run_until(rt, lambda: rt.store.queue.count(TASK_JOB) == 1, components=ENGINE, timeout=5)
        assert rt.store.executions.get(execution.id).state.current == State.RUNNING  # the default worker left it
        (job,) = rt.store.queue.claim(TASK_JOB, "gpu-worker", 1, group="gpu")
        assert TaskJob.from_payload(job.payload).task_id == "train"
    finally:
        rt.close()


def test_a_component_reaped_while_silent_learns_it_on_its_next_beat(rt):
    told = []
    me = describe("frozen-worker", "worker")
    liveness = rt.liveness(frozenset({"executor"}))
    liveness.components = [me]
    liveness.on_declared_dead = lambda: told.append("dead")
    assert liveness.tick() is None  # first beat: registered, nothing to do
    assert rt.store.components.beat([me]) == set()  # an ordinary beat registers nothing
    rt.store.components.beat([me], now=datetime.now(UTC) - timedelta(seconds=10))  # silent for 10 s…
    other = rt.liveness(frozenset({"scheduler"}))
    assert other.reap() == ["frozen-worker"]  # … so another process reaped it

    react = liveness.tick()

    assert react is not None
    react()
    assert told == ["dead"]
    assert [c.id for c in rt.store.components.list() if c.id == "frozen-worker"] == ["frozen-worker"]  # back


def test_a_dead_schedulers_claims_are_freed(rt):
    from choreo.store import TriggerState

    due = datetime.now(UTC) - timedelta(seconds=1)
    rt.store.triggers.put(TriggerState(namespace="faults", flow_id="slow", trigger_id="t", next_date=due))
    (claimed,) = rt.store.triggers.claim_due([("faults", "slow", "t")], "gone-scheduler", timedelta(minutes=5))
    assert claimed.locked_by == "gone-scheduler"
    rt.store.components.beat([describe("gone-scheduler", "scheduler")], now=datetime.now(UTC) - timedelta(seconds=10))
    assert rt.store.triggers.due() == []  # locked

    assert rt.liveness(frozenset({"executor"})).reap() == ["gone-scheduler"]

    assert [s.trigger_id for s in rt.store.triggers.due()] == ["t"]  # due again for the live schedulers
