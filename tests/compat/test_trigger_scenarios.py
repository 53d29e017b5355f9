"""Kestra's flow-trigger scenarios from the corpus (../shared/kestra-compat), run on a real runtime: the facts
expectations.yaml states for trigger-flow*, trigger-multiplecondition* and flow-trigger-preconditions*."""

from __future__ import annotations

import pytest

from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from corpus_support import compat_dir
from runtime_support import ENGINE, run_until


@pytest.fixture
def runtime(tmp_path):
    rt = Runtime(ServerConfig(home=tmp_path))
    yield rt
    rt.close()


def deploy(rt: Runtime, *files: str) -> None:
    for name in files:
        save_flow(rt.app, rt.store, (compat_dir() / "flows" / name).read_text(encoding="utf-8"), name)


def executions(rt: Runtime, flow_id: str):
    return rt.store.executions.search(flow_id=flow_id, size=100, sort="startDate:asc").items


def run(rt: Runtime, done, timeout: float = 15) -> None:
    run_until(rt, done, timeout, ENGINE)


def ended(rt: Runtime, flow_id: str, count: int = 1) -> bool:
    found = executions(rt, flow_id)
    return len(found) >= count and all(e.state.current.is_terminal for e in found)


def start(rt: Runtime, namespace: str, flow_id: str):
    return rt.control.create(rt.flows.get(namespace, flow_id), {})


def test_trigger_flow_starts_its_three_listeners(runtime):
    deploy(
        runtime,
        "trigger-flow.yaml",
        "trigger-flow-listener.yaml",
        "trigger-flow-listener-no-inputs.yaml",
        "trigger-flow-listener-namespace-condition.yaml",
    )
    upstream = start(runtime, "io.kestra.tests.trigger", "trigger-flow")
    listeners = (
        "trigger-flow-listener",
        "trigger-flow-listener-no-inputs",
        "trigger-flow-listener-namespace-condition",
    )
    run(runtime, lambda: all(ended(runtime, name) for name in listeners))
    for name in listeners:  # the namespace listener also hears the other listeners' executions
        triggered = [e for e in executions(runtime, name) if e.trigger.variables["executionId"] == upstream.id]
        assert len(triggered) == 1, name
        assert triggered[0].state.current.value == "SUCCESS" and len(triggered[0].task_run_list) == 1, name
        assert triggered[0].trigger.variables["flowId"] == "trigger-flow"
    (listener,) = executions(runtime, "trigger-flow-listener")
    assert listener.task_run_list[0].outputs == {"value": f"childs: from parents: {upstream.id}"}


def test_a_listener_on_running_and_paused_states_fires_at_each_change(runtime):
    deploy(runtime, "trigger-flow-with-pause.yaml", "trigger-flow-listener-with-pause.yaml")
    start(runtime, "io.kestra.tests.trigger.pause", "trigger-flow-with-pause")
    run(runtime, lambda: ended(runtime, "trigger-flow-listener-with-pause", 4))
    statuses = [e.outputs["status"] for e in executions(runtime, "trigger-flow-listener-with-pause")]
    assert statuses == ["RUNNING", "PAUSED", "RUNNING", "SUCCESS"]


def test_multiple_condition_waits_for_both_flows(runtime):
    deploy(
        runtime,
        "trigger-multiplecondition-flow-a.yaml",
        "trigger-multiplecondition-flow-b.yaml",
        "trigger-multiplecondition-listener.yaml",
    )
    start(runtime, "io.kestra.tests.trigger", "trigger-multiplecondition-flow-a")
    run(runtime, lambda: ended(runtime, "trigger-multiplecondition-flow-a"))
    run(runtime, lambda: False, timeout=0.3)
    assert executions(runtime, "trigger-multiplecondition-listener") == []
    upstream = start(runtime, "io.kestra.tests.trigger", "trigger-multiplecondition-flow-b")
    run(runtime, lambda: ended(runtime, "trigger-multiplecondition-listener"))
    (listener,) = executions(runtime, "trigger-multiplecondition-listener")
    assert listener.state.current.value == "SUCCESS" and listener.trigger.variables["executionId"] == upstream.id


def test_namespace_condition_listener_ignores_a_failed_flow(runtime):
    deploy(
        runtime,
        "trigger-multiplecondition-flow-c.yaml",
        "trigger-multiplecondition-flow-d.yaml",
        "trigger-flow-listener-namespace-condition.yaml",
    )
    start(runtime, "io.kestra.tests.trigger", "trigger-multiplecondition-flow-c")
    run(runtime, lambda: ended(runtime, "trigger-multiplecondition-flow-c"))
    run(runtime, lambda: False, timeout=0.3)
    assert executions(runtime, "trigger-flow-listener-namespace-condition") == []
    start(runtime, "io.kestra.tests.trigger", "trigger-multiplecondition-flow-d")
    run(runtime, lambda: ended(runtime, "trigger-flow-listener-namespace-condition"))
    (listener,) = executions(runtime, "trigger-flow-listener-namespace-condition")
    assert listener.state.current.value == "SUCCESS" and len(listener.task_run_list) == 1


def test_preconditions_with_where_filters(runtime):
    deploy(
        runtime,
        "flow-trigger-preconditions-flow-a.yaml",
        "flow-trigger-preconditions-flow-b.yaml",
        "flow-trigger-preconditions-flow-listen.yaml",
    )
    for _ in range(2):
        start(runtime, "io.kestra.tests.trigger.preconditions", "flow-trigger-preconditions-flow-a")
    run(runtime, lambda: ended(runtime, "flow-trigger-preconditions-flow-a", 2))
    assert executions(runtime, "flow-trigger-preconditions-flow-listen") == []
    start(runtime, "io.kestra.tests.trigger.preconditions", "flow-trigger-preconditions-flow-b")
    run(runtime, lambda: ended(runtime, "flow-trigger-preconditions-flow-listen"))
    (listener,) = executions(runtime, "flow-trigger-preconditions-flow-listen")
    assert listener.state.current.value == "SUCCESS" and len(listener.task_run_list) == 1
