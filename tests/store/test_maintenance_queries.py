"""Queries the API's maintenance routes use: selective log deletion, KV namespaces, execution timings, ping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from choreo.model.execution import Execution, StateRecord
from choreo.model.state import State
from choreo.store import LogEntry
from choreo.store.errors import InvalidQuery

T0 = datetime(2025, 1, 1, 12, tzinfo=UTC)


def line(message: str, **fields) -> LogEntry:
    defaults = {"namespace": "n", "flow_id": "f", "execution_id": "e1", "timestamp": T0}
    return LogEntry(message=message, **{**defaults, **fields})


def test_delete_matching_removes_only_the_lines_that_match(store):
    store.logs.append(
        [
            line("debug", level="DEBUG", task_id="a"),
            line("info a", level="INFO", task_id="a"),
            line("error b", level="ERROR", task_id="b", attempt_number=2),
            line("other execution", execution_id="e2", level="ERROR"),
            line("trigger", execution_id=None, trigger_id="t", level="INFO"),
            line("trigger 2", execution_id=None, trigger_id="u", level="INFO"),
        ]
    )
    assert store.logs.delete_matching(execution_id="e1", min_level="INFO", task_id="a") == 1
    assert [x.message for x in store.logs.for_execution("e1")] == ["debug", "error b"]
    assert store.logs.delete_matching(execution_id="e1", attempt_number=2) == 1
    assert store.logs.delete_matching(namespace="n", flow_id="f", trigger_id="t") == 1
    assert [x.message for x in store.logs.search(namespace="n").items if x.trigger_id] == ["trigger 2"]
    with pytest.raises(InvalidQuery):
        store.logs.delete_matching(namespace="n")


def test_kv_namespaces_and_execution_timings(store):
    store.kv.put("b.team", "k", 1)
    store.kv.put("a", "k", "v")
    assert store.kv.namespaces() == ["a", "b.team"]
    for index, namespace in enumerate(["n", "n.child", "other"]):
        start = T0 + timedelta(hours=index)
        record = StateRecord.new(State.CREATED, start).to(State.SUCCESS, start + timedelta(seconds=5))
        store.executions.save(Execution(id=f"x{index}", namespace=namespace, flow_id="f", state=record))
    timings = store.executions.timings(T0, T0 + timedelta(days=1), namespace="n")
    assert sorted(state for _, _, state in timings) == ["SUCCESS", "SUCCESS"]
    assert all(end - start == timedelta(seconds=5) for start, end, _ in timings)
    assert store.executions.timings(T0 + timedelta(days=1), T0 + timedelta(days=2)) == []
    store.ping()


def test_latest_revision_is_none_for_deleted_and_unknown_flows(store):
    assert store.flows.latest_revision("n", "f") is None
    store.flows.save("n", "f", "id: f\nnamespace: n\n", flow_json={})
    store.flows.save("n", "f", "id: f\nnamespace: n\n# 2\n", flow_json={})
    assert store.flows.latest_revision("n", "f") == 2
    store.flows.delete("n", "f")
    assert store.flows.latest_revision("n", "f") is None


def test_stored_flows_parse_each_revision_once(store):
    from choreo.app import Choreo
    from choreo.engine.stored_flows import StoredFlows

    app = Choreo()
    source = "id: f\nnamespace: n\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
    store.flows.save("n", "f", source, flow_json={})
    flows = StoredFlows(store, app.flows)
    first = flows.get("n", "f")
    assert flows.get("n", "f") is first and flows.get("n", "f", 1) is first
    store.flows.save("n", "f", source + "# changed\n", flow_json={})
    assert flows.get("n", "f").revision == 2 and flows.get("n", "f", 1) is first
