"""Wake-ups for queue consumers: block until a job of some kind may be claimable (polling stays the fallback).

A consumer opens a waiter *before* its first claim, then loops `claim → wait(timeout)`; a push committed at any point
after the waiter opened wakes the next `wait`, so no wake-up is lost. Spurious wake-ups are possible and harmless.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger("choreo.store")

PushCallback = Callable[[frozenset[str]], None]


class Waiter(Protocol):
    def wait(self, timeout: float | None = None) -> bool:
        """Block until a job of a watched kind was pushed (True) or `timeout` seconds passed (False)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Waiter: ...

    def __exit__(self, *exc: object) -> None: ...


class LocalWaiter:
    """Woken by commits in this process (`store.on_commit_push`)."""

    def __init__(self, kinds: frozenset[str], subscribe: Callable[[PushCallback], Callable[[], None]]) -> None:
        self._kinds = kinds
        self._event = threading.Event()
        self._unsubscribe = subscribe(self._on_push)

    def _on_push(self, kinds: frozenset[str]) -> None:
        if not self._kinds or self._kinds & kinds:
            self._event.set()

    def wait(self, timeout: float | None = None) -> bool:
        fired = self._event.wait(timeout)
        self._event.clear()  # jobs whose wake-up came before this line committed before it: the next claim sees them
        return fired

    def close(self) -> None:
        self._unsubscribe()

    def __enter__(self) -> LocalWaiter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PostgresWaiter:
    """`LISTEN` on a dedicated connection (outside the pool); the payload of each notification is a job kind."""

    def __init__(self, channel: str, kinds: frozenset[str], cargs: Any, cparams: dict[str, Any]) -> None:
        self._channel = channel
        self._kinds = kinds
        self._cargs = cargs
        self._cparams = cparams
        self._conn: Any = None
        self._connect()

    def _connect(self) -> None:
        import psycopg

        self._conn = psycopg.connect(*self._cargs, **self._cparams, autocommit=True)
        self._conn.execute(f'LISTEN "{self._channel}"')

    def wait(self, timeout: float | None = None) -> bool:
        import psycopg

        deadline = None if timeout is None else time.monotonic() + timeout
        reconnecting = self._conn is None
        try:
            if reconnecting:
                self._connect()
                return True  # notifications may have been missed while disconnected: let the consumer poll
            while True:
                remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
                if any(self._wanted(n.payload) for n in self._conn.notifies(timeout=remaining, stop_after=1)):
                    for _ in self._conn.notifies(timeout=0):  # drain what is already here: one wake-up is enough
                        pass
                    return True
                if deadline is not None and time.monotonic() >= deadline:
                    return False
        except psycopg.OperationalError as exc:
            self.close()
            if reconnecting:  # the server is still down: wait (up to a second) rather than retry in a busy loop
                time.sleep(1.0 if deadline is None else min(1.0, max(0.0, deadline - time.monotonic())))
                return True
            log.warning("queue listener lost its connection (%s); reconnecting on the next wait", exc)
            return True

    def _wanted(self, kind: str) -> bool:
        return not self._kinds or kind in self._kinds

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def __enter__(self) -> PostgresWaiter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ChannelListener:
    """A thread that `LISTEN`s on one PostgreSQL channel and hands each notification's payload to `deliver` (from
    that thread). It reconnects after a lost connection; what was sent meanwhile is lost, so listeners keep a
    polling fallback."""

    def __init__(self, channel: str, cargs: Any, cparams: dict[str, Any], deliver: Callable[[str], None]) -> None:
        self._channel = channel
        self._cargs = cargs
        self._cparams = cparams
        self._deliver = deliver
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"listen-{channel}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psycopg

        while not self._closed.is_set():
            try:
                with psycopg.connect(*self._cargs, **self._cparams, autocommit=True) as conn:
                    conn.execute(f'LISTEN "{self._channel}"')
                    while not self._closed.is_set():
                        for notification in conn.notifies(timeout=0.5):
                            self._deliver(notification.payload)
            except psycopg.Error as exc:
                log.debug("listener of %s: %s", self._channel, exc)
                self._closed.wait(1.0)

    def close(self) -> None:
        self._closed.set()
