from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from choreo.model.execution import Execution
from choreo.store import InvalidValue, NestedTransaction, Store


class Boom(Exception):
    pass


def _execution() -> Execution:
    return Execution(namespace="ns", flow_id="f")


def test_an_exception_rolls_back_everything(store: Store) -> None:
    execution = _execution()
    with pytest.raises(Boom), store.transaction() as tx:
        tx.executions.save(execution)
        tx.queue.push("execution", {"id": execution.id})
        tx.logs.append([])
        tx.kv.put("ns", "k", "v")
        assert tx.executions.get(execution.id) == execution  # visible inside the transaction
        raise Boom
    assert store.executions.get(execution.id) is None
    assert store.queue.count() == 0
    assert store.kv.get("ns", "k") is None


def test_a_committed_unit_of_work_is_visible_everywhere(store: Store, other_store: Store) -> None:
    execution = _execution()
    with store.transaction() as tx:
        tx.executions.save(execution)
        tx.queue.push("execution", {"id": execution.id})
        assert other_store.executions.get(execution.id) is None  # not before commit
    assert other_store.executions.get(execution.id) == execution
    [job] = other_store.queue.claim("execution", "executor")
    assert job.payload == {"id": execution.id}


def test_on_commit_push_fires_after_commit_only(store: Store) -> None:
    calls: list[frozenset[str]] = []
    unsubscribe = store.on_commit_push(calls.append)
    with store.transaction() as tx:
        tx.queue.push("execution", 1)
        tx.queue.push("worker_job", 2)
        tx.queue.push("execution", 3)
        assert calls == []
    assert calls == [frozenset({"execution", "worker_job"})]
    with pytest.raises(Boom), store.transaction() as tx:
        tx.queue.push("execution", 4)
        raise Boom
    with store.transaction() as tx:
        tx.executions.save(_execution())
    store.queue.push("delay", 5)
    assert calls == [frozenset({"execution", "worker_job"}), frozenset({"delay"})]
    unsubscribe()
    store.queue.push("delay", 6)
    assert len(calls) == 2


def test_a_failing_callback_does_not_undo_the_commit(store: Store) -> None:
    def broken(kinds: frozenset[str]) -> None:
        raise RuntimeError("listener bug")

    store.on_commit_push(broken)
    store.queue.push("execution", 1)
    assert store.queue.count() == 1


def test_listen_wakes_on_push(store: Store, other_store: Store) -> None:
    kind = f"kind_{uuid.uuid4().hex[:8]}"
    with store.listen([kind]) as waiter:
        assert waiter.wait(timeout=0.05) is False
        started = time.perf_counter()
        threading.Timer(0.05, lambda: store.queue.push(kind, "x")).start()
        assert waiter.wait(timeout=5) is True
        assert time.perf_counter() - started < 2
        store.queue.push(f"other_{kind}", "y")
        assert waiter.wait(timeout=0.1) is False
        with store.transaction() as tx:  # a wake-up that came before wait() is kept, not lost
            tx.queue.push(kind, "z")
        assert waiter.wait(timeout=5) is True


def test_listen_on_postgres_crosses_processes(postgres) -> None:  # type: ignore[no-untyped-def]
    postgres.truncate()
    kind = f"kind_{uuid.uuid4().hex[:8]}"
    with Store(postgres.url) as listener, Store(postgres.url) as pusher, listener.listen([kind]) as waiter:
        pusher.queue.push(kind, "x")
        assert waiter.wait(timeout=5) is True


def test_writing_through_the_store_inside_a_transaction(backend: str, store: Store) -> None:
    """SQLite fails fast (one writer: the second transaction would wait for the first); PostgreSQL runs it apart."""
    with store.transaction() as tx:
        tx.queue.push("execution", 1)
        if backend == "sqlite":
            with pytest.raises(NestedTransaction):
                store.queue.push("execution", 2)
        else:
            store.queue.push("execution", 2)
    assert store.queue.count() == (1 if backend == "sqlite" else 2)


def test_values_the_columns_refuse_are_invalid_values(store: Store) -> None:
    with pytest.raises(InvalidValue, match="naive"):
        store.queue.push("k", 1, available_at=datetime(2025, 1, 1))
    with pytest.raises(InvalidValue), store.transaction() as tx:
        tx.queue.push("k", 1, available_at=datetime(2025, 1, 1))
    assert store.queue.count() == 0


def test_a_sqlite_database_directory_is_created(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path}/new/dir/choreo.db") as store:
        assert store.queue.count() == 0
    assert (tmp_path / "new" / "dir" / "choreo.db").exists()
