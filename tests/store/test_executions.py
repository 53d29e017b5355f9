from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from choreo.model.execution import Execution, ExecutionTrigger, StateRecord, TaskRun, TaskRunAttempt
from choreo.model.state import State
from choreo.store import InvalidQuery, Store, TransactionRequired

T0 = datetime(2025, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)


def make(
    namespace: str = "company.team",
    flow_id: str = "etl",
    *,
    start: datetime = T0,
    state: State = State.CREATED,
    labels: dict[str, str] | None = None,
    parent_id: str | None = None,
    id: str | None = None,
) -> Execution:
    extra = {"id": id} if id else {}
    execution = Execution(
        namespace=namespace,
        flow_id=flow_id,
        state=StateRecord.new(at=start),
        labels=[{"key": k, "value": v} for k, v in (labels or {}).items()],
        parent_id=parent_id,
        **extra,
    )
    return execution.with_state(state, at=start + timedelta(seconds=1)) if state != State.CREATED else execution


def test_round_trip_keeps_the_model(store: Store) -> None:
    execution = make(labels={"team": "data", "env": "prod"}).model_copy(
        update={
            "inputs": {"day": "2025-03-01", "nested": {"list": [1, 2.5, None, True], "unicode": "é☃"}},
            "outputs": {"rows": 42},
            "variables": {"v": "x"},
            "trigger": ExecutionTrigger(id="daily", type="io.kestra.plugin.core.trigger.Schedule", variables={"a": 1}),
            "schedule_date": T0,
            "flow_revision": 3,
            "original_id": "orig",
        }
    )
    run = TaskRun(execution_id=execution.id, namespace="company.team", flow_id="etl", task_id="extract", value="v1")
    run = run.model_copy(update={"attempts": (TaskRunAttempt(worker_id="w1"),), "outputs": {"uri": "kestra:///x"}})
    execution = execution.with_task_run(run.with_state(State.RUNNING, at=T0)).with_state(State.RUNNING, at=T0)
    store.executions.save(execution)
    assert store.executions.get(execution.id) == execution
    assert store.executions.get("missing") is None


def test_save_replaces_and_reindexes(store: Store) -> None:
    execution = make()
    store.executions.save(execution)
    done = execution.with_state(State.RUNNING, at=T0).with_state(State.SUCCESS, at=T0 + timedelta(minutes=1))
    store.executions.save(done)
    assert store.executions.get(execution.id) == done
    assert [e.id for e in store.executions.search(states=[State.SUCCESS]).items] == [execution.id]
    assert store.executions.search(states=["CREATED"]).total == 0
    assert store.executions.search().total == 1


def test_search_filters(store: Store) -> None:
    a = make("company.team", "etl", start=T0, state=State.SUCCESS, id="exec-a")
    b = make("company.team.sub", "etl", start=T0 + timedelta(hours=1), state=State.FAILED, id="exec-b")
    c = make("company.teamx", "etl", start=T0 + timedelta(hours=2), id="exec-c")
    d = make("company.team", "load", start=T0 + timedelta(hours=3), state=State.RUNNING, parent_id="exec-a", id="x-d")
    for execution in (a, b, c, d):
        store.executions.save(execution)

    def ids(**filters: object) -> list[str]:
        return [e.id for e in store.executions.search(**filters).items]  # type: ignore[arg-type]

    assert ids() == ["x-d", "exec-c", "exec-b", "exec-a"]  # newest first
    assert ids(namespace="company.team") == ["x-d", "exec-b", "exec-a"]  # children, not siblings sharing a prefix
    assert ids(flow_id="etl", namespace="company") == ["exec-c", "exec-b", "exec-a"]
    assert ids(states=[State.SUCCESS, State.FAILED]) == ["exec-b", "exec-a"]
    assert ids(start_after=T0 + timedelta(hours=1)) == ["x-d", "exec-c", "exec-b"]
    assert ids(start_before=T0 + timedelta(hours=1)) == ["exec-a"]
    assert ids(parent_id="exec-a") == ["x-d"]
    assert ids(text="EXEC-") == ["exec-c", "exec-b", "exec-a"]
    assert ids(text="load") == ["x-d"]
    assert ids(text="_") == []  # wildcards are escaped


def test_search_pages_and_sorts(store: Store) -> None:
    for index in range(7):
        store.executions.save(make(start=T0 + timedelta(minutes=index), id=f"e{index}"))
    page = store.executions.search(page=2, size=3)
    assert page.total == 7 and (page.page, page.size) == (2, 3)
    assert [e.id for e in page.items] == ["e3", "e2", "e1"]
    assert [e.id for e in store.executions.search(page=3, size=3).items] == ["e0"]
    assert store.executions.search(page=4, size=3).items == []
    assert [e.id for e in store.executions.search(sort="startDate:asc", size=2).items] == ["e0", "e1"]
    assert [e.id for e in store.executions.search(sort="id:desc", size=2).items] == ["e6", "e5"]
    assert [e.id for e in store.executions.search(sort="state.startDate", size=1).items] == ["e0"]
    with pytest.raises(InvalidQuery):
        store.executions.search(sort="nope:desc")
    with pytest.raises(InvalidQuery):
        store.executions.search(sort="id:sideways")
    with pytest.raises(InvalidQuery):
        store.executions.search(page=0)
    with pytest.raises(InvalidQuery):
        store.executions.search(states=["DONE"])


def test_search_by_labels(store: Store) -> None:
    store.executions.save(make(labels={"team": "data", "env": "prod"}, id="both"))
    store.executions.save(make(labels={"team": "data", "env": "dev"}, id="dev"))
    store.executions.save(make(labels={"quote": 'it"s "x"', "env": "prod"}, id="odd"))
    store.executions.save(make(id="none"))

    def ids(labels: dict[str, str]) -> set[str]:
        return {e.id for e in store.executions.search(labels=labels).items}

    assert ids({"team": "data"}) == {"both", "dev"}
    assert ids({"team": "data", "env": "prod"}) == {"both"}
    assert ids({"env": "prod"}) == {"both", "odd"}
    assert ids({"quote": 'it"s "x"'}) == {"odd"}
    assert ids({"team": "prod"}) == set()
    assert ids({"prod": "env"}) == set()
    assert {e.id for e in store.executions.search(text="DEV").items} == {"dev"}  # text also looks at labels


def test_delete(store: Store) -> None:
    execution = make()
    store.executions.save(execution)
    assert store.executions.delete(execution.id) is True
    assert store.executions.get(execution.id) is None
    assert store.executions.delete(execution.id) is False


def test_soft_deleted_executions_are_hidden_from_search(store: Store) -> None:
    execution = make(state=State.RUNNING)
    store.executions.save(execution.model_copy(update={"deleted": True}))
    assert store.executions.search().total == 0
    assert store.executions.search(include_deleted=True).total == 1
    assert store.executions.count_running("company.team", "etl") == 0


def test_count_running(store: Store) -> None:
    for state in (State.RUNNING, State.RUNNING, State.PAUSED, State.SUCCESS, State.CREATED, State.QUEUED):
        store.executions.save(make(state=state))
    store.executions.save(make(flow_id="other", state=State.RUNNING))
    assert store.executions.count_running("company.team", "etl") == 3
    assert store.executions.count_running("company.team", "etl", states=[State.QUEUED]) == 1
    assert store.executions.count_running("company.team", "nope") == 0


def test_concurrency_queue_is_fifo_per_flow(store: Store, clock) -> None:
    waiting = [make(state=State.QUEUED, id=f"q{index}") for index in range(3)]
    other = make(flow_id="other", state=State.QUEUED, id="other")
    for execution in (*waiting, other):
        store.executions.save(execution)
    for execution in (waiting[1], waiting[0], other, waiting[2]):
        store.executions.enqueue(execution)
    assert store.executions.queued("company.team", "etl") == ["q1", "q0", "q2"]
    assert store.executions.dequeue("company.team", "etl") == "q1"
    assert store.executions.unqueue("q0") is True
    assert store.executions.unqueue("q0") is False
    store.executions.delete("q2")  # cascades out of the line
    assert store.executions.dequeue("company.team", "etl") is None
    assert store.executions.dequeue("company.team", "other") == "other"


def test_get_for_update_needs_a_transaction(store: Store) -> None:
    execution = make()
    store.executions.save(execution)
    with pytest.raises(TransactionRequired):
        store.executions.get_for_update(execution.id)
    with store.transaction() as tx:
        assert tx.executions.get_for_update(execution.id) == execution
        assert tx.executions.get_for_update("missing") is None


def test_get_for_update_serialises_read_modify_write(store: Store, other_store: Store) -> None:
    execution = make().model_copy(update={"variables": {"count": 0}})
    store.executions.save(execution)
    errors: list[BaseException] = []

    def bump(on: Store) -> None:
        try:
            for _ in range(15):
                with on.transaction() as tx:
                    current = tx.executions.get_for_update(execution.id)
                    assert current is not None and current.variables is not None
                    count = current.variables["count"]
                    tx.executions.save(current.model_copy(update={"variables": {"count": count + 1}}))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=bump, args=(s,)) for s in (store, other_store, store)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    final = store.executions.get(execution.id)
    assert final is not None and final.variables == {"count": 45}


def test_an_execution_saved_by_another_process_is_announced(backend: str, store: Store, other_store: Store) -> None:
    import queue

    announced: queue.Queue[str] = queue.Queue()
    stop = store.on_execution_saved(announced.put)
    if backend == "sqlite":
        assert stop is None  # one process owns an embedded store: its live views hear it directly
        return
    assert stop is not None
    try:
        execution = make()
        for _ in range(25):  # the listener connects in the background: save until it hears one
            other_store.executions.save(execution)
            try:
                assert announced.get(timeout=0.2) == execution.id
                break
            except queue.Empty:
                continue
        else:
            pytest.fail("no announcement of the saved execution within 5 s")
    finally:
        stop()
