"""The in-process runner: executions side by side, flow concurrency limits, subflows."""

from __future__ import annotations

import asyncio

import pytest

from choreo.app import Choreo, Settings
from choreo.engine.context import MemoryKeyValues
from choreo.engine.executor import Executor
from choreo.engine.local import LocalRunner, new_execution
from choreo.engine.worker import Worker
from choreo.model.state import State
from choreo.storage import LocalStorage


@pytest.fixture(scope="module")
def app():
    return Choreo(Settings())


def limited(behavior: str) -> str:
    return (
        "id: limited\nnamespace: t\n"
        f"concurrency:\n  limit: 1\n  behavior: {behavior}\n"
        "tasks:\n  - id: nap\n    type: io.kestra.plugin.core.flow.Sleep\n    duration: PT0.05S\n"
    )


def run_three(app, tmp_path, source: str):
    flow = app.flows.load(source)
    worker = Worker(
        expressions=app.expressions,
        storage=LocalStorage(tmp_path),
        kv=MemoryKeyValues(),
        secrets={},
        on_log=lambda *a: None,
        envs={},
    )
    states: dict[str, State] = {}
    most_running = 0

    def on_update(execution) -> None:
        nonlocal most_running
        states[execution.id] = execution.state.current
        most_running = max(most_running, sum(1 for s in states.values() if s == State.RUNNING))

    runner = LocalRunner(Executor(app.expressions, envs={}), worker, flows=lambda *a: None, on_update=on_update)
    finals = asyncio.run(runner.execute_all([(flow, new_execution(flow, {})) for _ in range(3)]))
    return finals, most_running


def test_queue_runs_one_at_a_time_and_all_end(app, tmp_path):
    finals, most_running = run_three(app, tmp_path, limited("QUEUE"))
    assert [e.state.current for e in finals] == [State.SUCCESS] * 3
    assert most_running == 1
    assert sum(State.QUEUED in [h.state for h in e.state.histories] for e in finals) == 2


@pytest.mark.parametrize(("behavior", "state"), [("CANCEL", State.CANCELLED), ("FAIL", State.FAILED)])
def test_cancel_and_fail_end_the_executions_over_the_limit(app, tmp_path, behavior, state):
    finals, most_running = run_three(app, tmp_path, limited(behavior))
    assert sorted(e.state.current for e in finals) == sorted([State.SUCCESS, state, state])
    assert most_running == 1
