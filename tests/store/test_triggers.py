from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from choreo.store import Store, TriggerState

DAY = datetime(2025, 1, 31, 0, 0, tzinfo=UTC)


def _state(trigger_id: str = "daily", **changes: object) -> TriggerState:
    base = TriggerState(
        namespace="company",
        flow_id="etl",
        trigger_id=trigger_id,
        last_date=DAY,
        next_date=DAY + timedelta(days=1),
        backfill={"start": "2025-01-01T00:00:00Z", "currentDate": "2025-01-05T00:00:00Z", "paused": False},
        execution_id="exec-1",
        context={"cron": "0 0 * * *"},
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_put_get_list_delete(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    saved = store.triggers.put(_state())
    assert saved == _state(updated=clock.now)
    assert store.triggers.get("company", "etl", "daily") == saved
    assert store.triggers.get("company", "etl", "nope") is None
    changed = store.triggers.put(_state(disabled=True, execution_id=None, backfill=None))
    assert (changed.disabled, changed.execution_id, changed.backfill) == (True, None, None)
    store.triggers.put(_state("hourly"))
    store.triggers.put(replace(_state(), flow_id="other"))
    assert [(t.flow_id, t.trigger_id) for t in store.triggers.list("company")] == [
        ("etl", "daily"),
        ("etl", "hourly"),
        ("other", "daily"),
    ]
    assert len(store.triggers.list(flow_id="etl")) == 2
    assert store.triggers.delete("company", "etl", "daily") is True
    assert store.triggers.delete("company", "etl", "daily") is False
    assert store.triggers.delete_for_flow("company", "etl") == 1
    assert [t.flow_id for t in store.triggers.list()] == ["other"]


def test_lock_lease(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    ttl = timedelta(seconds=30)
    assert store.triggers.try_lock("company", "etl", "daily", "s1", ttl) is True  # no state yet: a row is made
    assert store.triggers.try_lock("company", "etl", "daily", "s2", ttl) is False
    assert store.triggers.try_lock("company", "etl", "daily", "s1", ttl) is True  # re-entrant, extends
    locked = store.triggers.get("company", "etl", "daily")
    assert locked is not None and (locked.locked_by, locked.locked_until) == ("s1", clock.now + ttl)

    store.triggers.put(_state(locked_by="forged", locked_until=None))  # put never touches the lock
    after_put = store.triggers.get("company", "etl", "daily")
    assert after_put is not None and after_put.locked_by == "s1" and after_put.execution_id == "exec-1"

    assert store.triggers.unlock("company", "etl", "daily", "s2") is False
    clock.advance(ttl)
    assert store.triggers.try_lock("company", "etl", "daily", "s2", ttl) is True  # the lease expired
    assert store.triggers.unlock("company", "etl", "daily", "s2") is True
    assert store.triggers.try_lock("company", "etl", "daily", "s1", ttl) is True


def test_only_one_scheduler_wins(store: Store, other_store: Store) -> None:
    store.triggers.put(_state())
    wins: list[str] = []
    barrier = threading.Barrier(6)

    def contend(on: Store, owner: str) -> None:
        barrier.wait()
        if on.triggers.try_lock("company", "etl", "daily", owner, timedelta(minutes=1)):
            wins.append(owner)

    threads = [threading.Thread(target=contend, args=(s, f"s{i}")) for i, s in enumerate([store, other_store] * 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1


def test_due(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    now = clock.now
    store.triggers.put(_state("past", next_date=now - timedelta(minutes=1)))
    store.triggers.put(_state("now", next_date=now))
    store.triggers.put(_state("future", next_date=now + timedelta(minutes=1)))
    store.triggers.put(_state("disabled", next_date=now, disabled=True))
    store.triggers.put(_state("locked", next_date=now))
    store.triggers.try_lock("company", "etl", "locked", "other", timedelta(minutes=1))
    assert [t.trigger_id for t in store.triggers.due()] == ["past", "now"]
    assert [t.trigger_id for t in store.triggers.due(limit=1)] == ["past"]
    clock.advance(timedelta(minutes=1))
    assert {t.trigger_id for t in store.triggers.due()} == {"past", "now", "future", "locked"}
