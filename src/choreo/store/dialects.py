"""What differs between SQLite and PostgreSQL, behind one narrow interface.

Queries are written once in the repositories. A `Dialect` supplies only: the engine (pool, connect-time settings,
how a write transaction begins, how a lone read runs), the in-process writer lock, the `INSERT … ON CONFLICT`
construct, the label-containment predicate, the queue wake-up (`NOTIFY` and `LISTEN`, or nothing) and the lock that
serialises migrations. Row locks are written once too: `with_for_update()` renders nothing on SQLite, where a write
transaction holds the database's single write lock from its first statement.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Table, create_engine, event, exists, func, select, type_coerce
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import URL, make_url

from choreo.store._fairlock import FairLock
from choreo.store.errors import NestedTransaction
from choreo.store.notify import ChannelListener, PostgresWaiter, Waiter

#: The PostgreSQL channel `queue.push` notifies; the payload is the job kind.
CHANNEL = "choreo_queue"
#: Where a saved execution's id is announced (PostgreSQL), for live views served by other processes.
EXECUTIONS_CHANNEL = "choreo_executions"
#: Execution option marking a connection whose transactions write (SQLite: `BEGIN IMMEDIATE`).
WRITE_OPTION = "choreo_write"

_dumps = partial(json.dumps, separators=(",", ":"), ensure_ascii=False)


class Dialect:
    name: str
    #: Execution options of connections that only read, outside a transaction.
    read_options: dict[str, Any] = {}
    #: Whether a lone write statement may run in autocommit (`AutoScope.write_one`).
    single_write_autocommit = False

    def create_engine(self, url: URL, *, pool_size: int) -> Engine:
        raise NotImplementedError

    def insert(self, table: Table) -> Any:
        """`INSERT` with `.on_conflict_do_update` / `.on_conflict_do_nothing` (same API on both backends)."""
        raise NotImplementedError

    def labels_contain(self, column: Any, key: str, value: str) -> ColumnElement[bool]:
        """True when the JSON list of `{key, value}` objects in `column` holds this pair."""
        raise NotImplementedError

    def write_lock(self) -> AbstractContextManager[object]:
        """Held around every write transaction of the store (SQLite: queue this process's writers in Python)."""
        return nullcontext()

    def notify(self, conn: Connection, kind: str) -> None:
        """Announce a pushed job to other processes, delivered when the transaction commits."""

    def notify_column(self, kind: Any) -> Any:
        """An expression that announces `kind` as `notify` does, for the `RETURNING` clause of the statement that
        pushes the job (one round trip fewer); None when `notify` must be called instead."""
        return None

    def lock_for_migration(self, conn: Connection) -> None:
        """Serialise concurrent `migrate()` calls (SQLite: the write transaction already does)."""

    def listener(self, engine: Engine, kinds: frozenset[str]) -> Waiter | None:
        """A cross-process waiter, or None when only in-process wake-ups exist."""
        return None

    def execution_saved_column(self, id_column: Any) -> Any:
        """An expression that announces a saved execution's id to other processes, for the `RETURNING` clause of
        its upsert; None when nothing is announced across processes."""
        return None

    def execution_listener(self, engine: Engine, deliver: Callable[[str], None]) -> ChannelListener | None:
        """Calls `deliver(execution id)` (from a thread) when another process saves an execution; None when there
        is no such announcement."""
        return None


class SqliteDialect(Dialect):
    name = "sqlite"

    def __init__(self, busy_timeout_ms: int = 5000) -> None:
        self.busy_timeout_ms = busy_timeout_ms
        # SQLite has one writer at a time. Writers of this process queue on this lock, in arrival order, and wake as
        # soon as it is free, instead of in SQLite's busy handler, which sleeps 1, 2, 5 … 100 ms between retries.
        self._write_lock = FairLock()

    def write_lock(self) -> AbstractContextManager[object]:
        if self._write_lock.held():
            raise NestedTransaction(
                "this thread is already writing (inside store.transaction()?): SQLite has one writer, so a second "
                "transaction would wait for the first forever. Use the repositories of the open transaction (tx.…)."
            )
        return self._write_lock

    def create_engine(self, url: URL, *, pool_size: int) -> Engine:
        if url.database in (None, "", ":memory:") or (url.database or "").startswith("file::memory:"):
            raise ValueError("an in-memory SQLite database cannot be shared by a pool: give a file path")
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size * 2,
            connect_args={"check_same_thread": False, "timeout": self.busy_timeout_ms / 1000},
            json_serializer=_dumps,
        )
        event.listen(engine, "connect", self._on_connect)
        event.listen(engine, "begin", _begin)
        return engine

    def _on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see `_begin`)
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            f"busy_timeout={self.busy_timeout_ms}",
            "foreign_keys=ON",
            "temp_store=MEMORY",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    def insert(self, table: Table) -> Any:
        return sqlite.insert(table)

    def labels_contain(self, column: Any, key: str, value: str) -> ColumnElement[bool]:
        item = func.json_each(column).table_valued("value", joins_implicitly=True).alias("label")
        return exists(
            select(1)
            .select_from(item)
            .where(func.json_extract(item.c.value, "$.key") == key, func.json_extract(item.c.value, "$.value") == value)
        )


def _begin(conn: Connection) -> None:
    """SQLite: writers take the write lock up front, so two writers never deadlock upgrading a read lock."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")


class PostgresDialect(Dialect):
    name = "postgresql"
    # A lone read needs no BEGIN/ROLLBACK round trips (half the latency of a get); a paged search then counts and
    # fetches in two snapshots, which is fine for a listing.
    read_options = {"isolation_level": "AUTOCOMMIT"}
    single_write_autocommit = True

    def create_engine(self, url: URL, *, pool_size: int) -> Engine:
        from choreo.store.schema import add_postgres_index_options

        add_postgres_index_options()
        return create_engine(url, pool_size=pool_size, max_overflow=pool_size * 2, json_serializer=_dumps)

    # sqlalchemy.dialects.postgresql costs ~45 ms to import: only PostgreSQL stores pay for it.
    def insert(self, table: Table) -> Any:
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)

    def labels_contain(self, column: Any, key: str, value: str) -> ColumnElement[bool]:
        from sqlalchemy.dialects.postgresql import JSONB

        return type_coerce(column, JSONB).contains([{"key": key, "value": value}])

    def notify(self, conn: Connection, kind: str) -> None:
        conn.execute(select(func.pg_notify(CHANNEL, kind)))

    def notify_column(self, kind: Any) -> Any:
        return func.pg_notify(CHANNEL, kind)

    def lock_for_migration(self, conn: Connection) -> None:
        conn.execute(select(func.pg_advisory_xact_lock(0x63686F72656F)))  # "choreo"

    def listener(self, engine: Engine, kinds: frozenset[str]) -> Waiter | None:
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        return PostgresWaiter(CHANNEL, kinds, cargs, cparams)

    def execution_saved_column(self, id_column: Any) -> Any:
        return func.pg_notify(EXECUTIONS_CHANNEL, id_column)

    def execution_listener(self, engine: Engine, deliver: Callable[[str], None]) -> ChannelListener | None:
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        return ChannelListener(EXECUTIONS_CHANNEL, cargs, cparams, deliver)


def dialect_for(url: str | URL) -> tuple[Dialect, URL]:
    """The dialect for a database URL, and the URL with the driver Choreo uses (`postgresql+psycopg`)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return SqliteDialect(), parsed.set(drivername="sqlite+pysqlite")
    if backend in ("postgresql", "postgres"):
        return PostgresDialect(), parsed.set(drivername="postgresql+psycopg")
    raise ValueError(f"unsupported database URL {parsed.render_as_string()!r}: use sqlite:///… or postgresql://…")
