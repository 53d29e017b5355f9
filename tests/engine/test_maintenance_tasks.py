"""execution.Count, execution.PurgeExecutions and log.PurgeLogs on the real store, run by the server's engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from choreo.model.execution import Execution, StateRecord
from choreo.model.state import State
from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from choreo.storage import execution_uri
from choreo.store import LogEntry
from runtime_support import ENGINE, run_until

QUIET = """id: {flow_id}
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hi
"""

LONG_AGO = datetime.now(UTC) - timedelta(days=40)


@pytest.fixture
def rt(tmp_path):
    runtime = Runtime(ServerConfig(home=tmp_path))
    for flow_id in ("busy", "quiet"):
        save_flow(runtime.app, runtime.store, QUIET.format(flow_id=flow_id))
    yield runtime
    runtime.close()


def past_execution(rt: Runtime, flow_id: str, state: State, started: datetime) -> Execution:
    execution = Execution(namespace="company.team", flow_id=flow_id, state=StateRecord.new(at=started))
    if state != State.CREATED:
        execution = execution.with_state(State.RUNNING, at=started).with_state(state, at=started + timedelta(1))
    rt.store.executions.save(execution)
    return execution


def run_flow(rt: Runtime, source: str) -> Execution:
    namespace, flow_id, _ = save_flow(rt.app, rt.store, source)
    execution = rt.control.create(rt.flows.get(namespace, flow_id), {})
    run_until(rt, lambda: rt.store.executions.get(execution.id).state.current.is_terminal, components=ENGINE)
    return rt.store.executions.get(execution.id)


def outputs(execution: Execution, task_id: str) -> dict:
    (run,) = [run for run in execution.task_run_list if run.task_id == task_id]
    return run.outputs


def test_count_keeps_the_flows_whose_count_matches_the_expression(rt):
    yesterday = datetime.now(UTC) - timedelta(hours=12)
    for _ in range(2):
        past_execution(rt, "busy", State.SUCCESS, yesterday)
    past_execution(rt, "busy", State.FAILED, yesterday)
    past_execution(rt, "quiet", State.SUCCESS, LONG_AGO)  # outside the range
    source = """id: watch
namespace: ops
tasks:
  - id: silent
    type: io.kestra.plugin.core.execution.Count
    namespaces: [company.team]
    states: [SUCCESS]
    startDate: "{{ now() | dateAdd(-1, 'DAYS') }}"
    expression: "{{ count == 0 }}"
  - id: busy
    type: io.kestra.plugin.core.execution.Count
    flows:
      - namespace: company.team
        flowId: busy
    startDate: "{{ now() | dateAdd(-1, 'DAYS') }}"
    expression: "{{ count >= 3 }}"
"""
    execution = run_flow(rt, source)
    assert execution.state.current == State.SUCCESS
    assert outputs(execution, "silent") == {
        "results": [{"namespace": "company.team", "flowId": "quiet", "count": 0}],
        "total": 1,
    }
    assert outputs(execution, "busy")["results"] == [{"namespace": "company.team", "flowId": "busy", "count": 3}]


def test_purge_executions_deletes_old_ended_ones_with_their_logs_and_files(rt):
    old = past_execution(rt, "busy", State.SUCCESS, LONG_AGO)
    old_failed = past_execution(rt, "busy", State.FAILED, LONG_AGO)
    still_running = past_execution(rt, "busy", State.CREATED, LONG_AGO)
    recent = past_execution(rt, "busy", State.SUCCESS, datetime.now(UTC) - timedelta(days=2))
    rt.store.logs.append([LogEntry(namespace="company.team", flow_id="busy", execution_id=old.id, message="bye")])
    rt.storage.put(f"{execution_uri('company.team', 'busy', old.id)}/t/out.txt", b"data")
    source = """id: cleanup
namespace: ops
tasks:
  - id: purge
    type: io.kestra.plugin.core.execution.PurgeExecutions
    namespace: company
    endDate: "{{ now() | dateAdd(-1, 'MONTHS') }}"
    states: [SUCCESS]
"""
    execution = run_flow(rt, source)
    assert execution.state.current == State.SUCCESS, execution.state
    assert outputs(execution, "purge") == {"executionsCount": 1, "logsCount": 1, "metricsCount": 0, "storagesCount": 1}
    assert rt.store.executions.get(old.id) is None
    for kept in (old_failed, still_running, recent):
        assert rt.store.executions.get(kept.id) is not None
    assert rt.store.logs.for_execution(old.id) == []


def test_purge_logs_by_level_and_kind(rt):
    old = datetime.now(UTC) - timedelta(days=10)
    rt.store.logs.append(
        [
            LogEntry(
                namespace="company.team",
                flow_id="busy",
                execution_id="e1",
                level="DEBUG",
                message="noise",
                timestamp=old,
            ),
            LogEntry(
                namespace="company.team",
                flow_id="busy",
                execution_id="e1",
                level="ERROR",
                message="keep",
                timestamp=old,
            ),
            LogEntry(
                namespace="company.team",
                flow_id="busy",
                trigger_id="t",
                level="DEBUG",
                message="trigger",
                timestamp=old,
            ),
            LogEntry(namespace="company.team", flow_id="busy", execution_id="e2", level="DEBUG", message="recent"),
        ]
    )
    source = """id: cleanup
namespace: ops
tasks:
  - id: purge
    type: io.kestra.plugin.core.log.PurgeLogs
    namespace: company.team
    flowId: busy
    logLevels: [DEBUG]
    endDate: "{{ now() | dateAdd(-1, 'DAYS') }}"
    purgeNonExecutionLogs: false
"""
    execution = run_flow(rt, source)
    assert outputs(execution, "purge") == {"count": 1, "executionLogsCount": 1, "nonExecutionLogsCount": 0}
    left = sorted(entry.message for entry in rt.store.logs.search(namespace="company.team", size=10).items)
    assert left == ["keep", "recent", "trigger"]


def test_a_wrong_date_fails_the_task_with_the_property_named(rt):
    source = """id: cleanup
namespace: ops
tasks:
  - id: purge
    type: io.kestra.plugin.core.log.PurgeLogs
    endDate: "last tuesday"
"""
    execution = run_flow(rt, source)
    assert execution.state.current == State.FAILED
    messages = [entry.message for entry in rt.store.logs.for_execution(execution.id)]
    assert any("endDate" in m and "last tuesday" in m for m in messages), messages
