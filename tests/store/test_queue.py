from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from choreo.store import Store


def test_push_claim_ack(store: Store, clock) -> None:
    ids = [store.queue.push("worker_job", {"n": n, "text": "é☃", "nested": [1, {"a": None}]}) for n in range(5)]
    assert ids == sorted(ids)
    first = store.queue.claim("worker_job", "w1", limit=2)
    assert [job.payload["n"] for job in first] == [0, 1]
    assert first[0].payload == {"n": 0, "text": "é☃", "nested": [1, {"a": None}]}
    assert all(job.claimed_by == "w1" and job.claimed_at == clock.now and job.deliveries == 1 for job in first)
    second = store.queue.claim("worker_job", "w2", limit=10)
    assert [job.payload["n"] for job in second] == [2, 3, 4]
    assert store.queue.claim("worker_job", "w3") == []
    assert store.queue.claim("execution", "w3") == []
    assert store.queue.count("worker_job", claimed=True) == 5
    assert store.queue.ack([job.id for job in first]) == 2
    assert store.queue.count() == 3
    assert store.queue.ack([job.id for job in first]) == 0


def test_job_fields(store: Store, clock) -> None:
    job_id = store.queue.push("execution", {"id": "e1"}, key="e1")
    [job] = store.queue.claim("execution", "executor-1")
    assert (job.id, job.kind, job.key, job.group, job.created, job.available_at) == (
        job_id,
        "execution",
        "e1",
        None,
        clock.now,
        clock.now,
    )


def test_no_job_is_claimed_twice_under_concurrency(store: Store, other_store: Store) -> None:
    total = 300
    with store.transaction() as tx:
        for n in range(total):
            tx.queue.push("worker_job", {"n": n})
    claimed: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def consume(on: Store, consumer: str) -> None:
        try:
            while jobs := on.queue.claim("worker_job", consumer, limit=7):
                with lock:
                    claimed.extend(job.payload["n"] for job in jobs)
                on.queue.ack([job.id for job in jobs], consumer_id=consumer)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=consume, args=(s, f"c{i}")) for i, s in enumerate([store, other_store] * 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    duplicates = [n for n, count in Counter(claimed).items() if count > 1]
    assert duplicates == []
    assert sorted(claimed) == list(range(total))
    assert store.queue.count() == 0


def test_delayed_jobs_wait_for_available_at(store: Store, clock) -> None:
    later = clock.now + timedelta(seconds=30)
    store.queue.push("delay", {"n": "later"}, available_at=later)
    store.queue.push("delay", {"n": "soon"}, available_at=clock.now + timedelta(seconds=10))
    assert store.queue.claim("delay", "c") == []
    assert store.queue.next_available_at("delay") == clock.now + timedelta(seconds=10)
    assert store.queue.next_available_at("other") is None
    clock.advance(timedelta(seconds=10))
    assert [job.payload["n"] for job in store.queue.claim("delay", "c", limit=5)] == ["soon"]
    assert store.queue.next_available_at("delay") == later
    clock.advance(timedelta(seconds=20))
    assert [job.payload["n"] for job in store.queue.claim("delay", "c", limit=5)] == ["later"]
    assert store.queue.next_available_at("delay") is None


def test_groups_reach_only_their_consumers(store: Store) -> None:
    store.queue.push("worker_job", "gpu", group="gpu")
    store.queue.push("worker_job", "any")
    assert [job.payload for job in store.queue.claim("worker_job", "w", limit=5)] == ["any"]
    assert store.queue.next_available_at("worker_job") is None
    assert store.queue.next_available_at("worker_job", group="gpu") is not None
    [job] = store.queue.claim("worker_job", "g", limit=5, group="gpu")
    assert (job.payload, job.group) == ("gpu", "gpu")


def test_release_makes_jobs_claimable_again(store: Store, clock) -> None:
    store.queue.push("worker_job", 1)
    store.queue.push("worker_job", 2)
    jobs = store.queue.claim("worker_job", "w1", limit=2)
    assert store.queue.release([jobs[0].id], consumer_id="someone-else") == 0
    assert store.queue.release([jobs[0].id], consumer_id="w1") == 1
    assert store.queue.release([jobs[1].id], available_at=clock.now + timedelta(minutes=1)) == 1
    [again] = store.queue.claim("worker_job", "w2", limit=5)
    assert (again.payload, again.deliveries) == (1, 2)
    clock.advance(timedelta(minutes=1))
    [delayed] = store.queue.claim("worker_job", "w2", limit=5)
    assert delayed.payload == 2


def test_reclaim_stale_claims(store: Store, clock) -> None:
    for n in range(3):
        store.queue.push("worker_job", n)
    dead, alive, other = store.queue.claim("worker_job", "w1", limit=3)
    clock.advance(timedelta(minutes=4))
    assert store.queue.extend([alive.id], "w1") == 1  # heartbeat
    assert store.queue.extend([alive.id], "w2") == 0
    clock.advance(timedelta(minutes=2))
    assert store.queue.reclaim_stale(timedelta(minutes=5)) == 2
    reclaimed = store.queue.claim("worker_job", "w2", limit=5)
    assert [job.id for job in reclaimed] == [dead.id, other.id]
    assert store.queue.ack([dead.id], consumer_id="w1") == 0  # the late original consumer no longer owns it
    assert store.queue.ack([dead.id], consumer_id="w2") == 1
    assert store.queue.reclaim_consumer("w2") == 1
    assert store.queue.reclaim_consumer("w2") == 0
    assert [job.id for job in store.queue.claim("worker_job", "w3", limit=5)] == [other.id]


def test_ids_are_never_reused(store: Store) -> None:
    first = store.queue.push("k", 1)
    store.queue.ack([job.id for job in store.queue.claim("k", "c")])
    assert store.queue.push("k", 2) > first
