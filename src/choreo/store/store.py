"""The `Store`: one engine and connection pool per database URL, its repositories, transactions and queue wake-ups."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from choreo.store._base import AutoScope, Context, Scope, TransactionScope, Unit
from choreo.store.components import ComponentRepository
from choreo.store.dialects import WRITE_OPTION, dialect_for
from choreo.store.executions import ExecutionRepository
from choreo.store.flows import FlowRepository
from choreo.store.kv import KVRepository
from choreo.store.logs import LogRepository
from choreo.store.metrics import MetricRepository
from choreo.store.notify import LocalWaiter, PushCallback, Waiter
from choreo.store.queue import QueueRepository
from choreo.store.records import utcnow
from choreo.store.schema import SCHEMA_HEAD
from choreo.store.tokens import TokenRepository
from choreo.store.triggers import TriggerRepository

log = logging.getLogger("choreo.store")


class Repositories:
    """The repositories over one scope: the store's (a transaction per call) or a `store.transaction()`'s."""

    _context: Context
    _scope: Scope

    @cached_property
    def flows(self) -> FlowRepository:
        return FlowRepository(self._context, self._scope)

    @cached_property
    def executions(self) -> ExecutionRepository:
        return ExecutionRepository(self._context, self._scope)

    @cached_property
    def logs(self) -> LogRepository:
        return LogRepository(self._context, self._scope)

    @cached_property
    def metrics(self) -> MetricRepository:
        return MetricRepository(self._context, self._scope)

    @cached_property
    def kv(self) -> KVRepository:
        return KVRepository(self._context, self._scope)

    @cached_property
    def triggers(self) -> TriggerRepository:
        return TriggerRepository(self._context, self._scope)

    @cached_property
    def queue(self) -> QueueRepository:
        return QueueRepository(self._context, self._scope)

    @cached_property
    def tokens(self) -> TokenRepository:
        return TokenRepository(self._context, self._scope)

    @cached_property
    def components(self) -> ComponentRepository:
        return ComponentRepository(self._context, self._scope)


class UnitOfWork(Repositories):
    """Repositories sharing one connection and transaction: everything commits together or not at all."""

    def __init__(self, context: Context, unit: Unit) -> None:
        self._context = context
        self._scope = TransactionScope(unit)


class Store(Repositories):
    """Choreo's database. `Store.open(url)` connects and migrates; `Store(url)` only connects.

    URLs: `sqlite:///path/choreo.db` (WAL, one process) or `postgresql://user@host:5432/db` (psycopg 3, many
    processes). `clock` gives "now" wherever a call takes an optional `now=` (TTL, claims, timestamps).
    """

    def __init__(
        self,
        url: str | URL,
        *,
        clock: Callable[[], datetime] = utcnow,
        pool_size: int = 5,
    ) -> None:
        self._dialect, self.url = dialect_for(url)
        self.engine: Engine = self._dialect.create_engine(self.url, pool_size=pool_size)
        self._context = Context(self._dialect, clock, self.engine.dialect)
        self._scope = AutoScope(self.engine, self._dialect, self._after_commit)
        self._callbacks: list[PushCallback] = []
        self._callbacks_lock = threading.Lock()

    @classmethod
    def open(cls, url: str | URL, *, clock: Callable[[], datetime] = utcnow, pool_size: int = 5) -> Store:
        """A store on `url`, migrated to the latest schema."""
        store = cls(url, clock=clock, pool_size=pool_size)
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def clock(self) -> Callable[[], datetime]:
        return self._context.clock

    @property
    def backend(self) -> str:
        """`sqlite` or `postgresql`."""
        return self._dialect.name

    def migrate(self) -> str:
        """Create or upgrade the schema to the latest revision (a no-op when already there); returns it."""
        if self._at_head():
            return SCHEMA_HEAD
        from choreo.store import migrate as migrations  # Alembic is loaded only when there is work to do

        return migrations.migrate(self.engine, self._dialect)

    def _at_head(self) -> bool:
        """The cheap check every start makes: one query, no Alembic import."""
        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        except DBAPIError:
            return False

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at (None before the first `migrate`)."""
        from choreo.store import migrate as migrations

        with self.engine.connect() as conn:
            return migrations.current_revision(conn)

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """A unit of work: its repositories share one transaction, committed when the block exits normally and
        rolled back when it raises. On SQLite it holds the write lock from the start (`BEGIN IMMEDIATE`), so a
        read-modify-write inside is never interleaved with another writer. Do not nest transactions."""
        with self._dialect.write_lock(), self.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            unit = Unit(conn)
            with conn.begin():
                yield UnitOfWork(self._context, unit)
        if unit.pushed:
            self._after_commit(frozenset(unit.pushed))

    def on_commit_push(self, callback: PushCallback) -> Callable[[], None]:
        """Call `callback(kinds)` in the committing thread after each commit in this process that pushed (or
        released) jobs of `kinds`. Returns a function that unsubscribes. Keep callbacks short: set an event."""
        with self._callbacks_lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._callbacks_lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe

    def _after_commit(self, kinds: frozenset[str]) -> None:
        with self._callbacks_lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(kinds)
            except Exception:  # the transaction is committed: a failing listener must not make it look failed
                log.exception("queue push callback %r failed", callback)

    def listen(self, kinds: Iterable[str] = ()) -> Waiter:
        """A waiter woken when jobs of `kinds` (any kind when empty) are pushed: by any process on PostgreSQL
        (`LISTEN`), by this process on SQLite. Open it before the first claim; close it when done."""
        wanted = frozenset(kinds)
        return self._dialect.listener(self.engine, wanted) or LocalWaiter(wanted, self.on_commit_push)

    def on_execution_saved(self, deliver: Callable[[str], None]) -> Callable[[], None] | None:
        """Call `deliver(execution id)` (from a thread) whenever another process saves an execution; the function
        that stops it, or None when the store cannot announce it (SQLite: one process)."""
        listener = self._dialect.execution_listener(self.engine, deliver)
        return None if listener is None else listener.close

    def ping(self) -> None:
        """Run a trivial query: raises when the database cannot be reached (health checks)."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"
