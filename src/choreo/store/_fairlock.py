"""A lock that hands itself to waiters in arrival order.

`threading.RLock` lets the releasing thread take the lock straight back (it still holds the GIL), so under contention
a waiter can starve for several GIL switch intervals. SQLite writers queue on this lock instead: each waits only for
the writers that arrived before it.
"""

from __future__ import annotations

import threading
from collections import deque


class FairLock:
    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[tuple[int, threading.Lock]] = deque()
        self._owner: int | None = None

    def held(self) -> bool:
        """True when the calling thread holds the lock."""
        return self._owner == threading.get_ident()

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                raise RuntimeError("FairLock is not re-entrant: this thread already holds it")
            if self._owner is None:
                self._owner = me
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append((me, turn))
        turn.acquire()  # released by the previous owner, which made us the owner

    def release(self) -> None:
        with self._mutex:
            if self._owner != threading.get_ident():
                raise RuntimeError("release of a FairLock not held by this thread")
            if self._waiters:
                self._owner, turn = self._waiters.popleft()
                turn.release()
            else:
                self._owner = None

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
