from __future__ import annotations

import threading
import time

import pytest

from choreo.store._fairlock import FairLock


def test_waiters_get_the_lock_in_arrival_order() -> None:
    lock = FairLock()
    order: list[int] = []
    lock.acquire()
    threads = []
    for index in range(5):
        thread = threading.Thread(target=lambda i=index: (lock.acquire(), order.append(i), lock.release()))
        thread.start()
        threads.append(thread)
        while len(lock._waiters) < index + 1:  # wait until this thread is queued before starting the next
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join()
    assert order == [0, 1, 2, 3, 4]


def test_it_excludes_and_is_not_reentrant() -> None:
    lock = FairLock()
    inside = 0
    peak = 0

    def work() -> None:
        nonlocal inside, peak
        for _ in range(200):
            with lock:
                inside += 1
                peak = max(peak, inside)
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 1
    with lock:
        assert lock.held()
        with pytest.raises(RuntimeError):
            lock.acquire()
    assert not lock.held()
    with pytest.raises(RuntimeError):
        lock.release()
