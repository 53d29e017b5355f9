"""The store's contract suite runs every test on SQLite and on PostgreSQL (`store` is parametrised by `backend`).

PostgreSQL: CHOREO_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test). Each test session works
in its own schema `choreo_test_<random>` (search_path set per connection), dropped at the end, so parallel runs never
collide. An unreachable server fails the PostgreSQL tests: they are not optional.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from choreo.store import Store
from choreo.store.schema import metadata

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


class Clock:
    """A settable clock for `Store(clock=…)`: starts at 2025-01-01T12:00:00Z and moves only when told."""

    def __init__(self, start: datetime = datetime(2025, 1, 1, 12, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now


class PostgresDatabase:
    """The session's schema on the test server, plus throw-away schemas for migration tests."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.schema = f"choreo_test_{uuid.uuid4().hex[:10]}"
        self.admin: Engine = create_engine(
            base_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
        )
        self._extra = itertools.count(1)
        self.create_schema(self.schema)
        self.url = self.url_for(self.schema)

    def url_for(self, schema: str) -> str:
        separator = "&" if "?" in self.base_url else "?"
        return f"{self.base_url}{separator}options=-csearch_path%3D{schema}"

    def create_schema(self, schema: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop_schema(self, schema: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))

    def new_schema(self) -> str:
        schema = f"{self.schema}_{next(self._extra)}"
        self.create_schema(schema)
        return schema

    def truncate(self) -> None:
        """Empty every table (DELETE: much faster than TRUNCATE on tables this small)."""
        with self.admin.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(text(f'DELETE FROM "{self.schema}"."{table.name}"'))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabase]:
    url = os.environ.get("CHOREO_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        database = PostgresDatabase(url)
    except OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {url}: {exc.orig}\n"
            "The store's contract tests must pass on PostgreSQL too: start the server or point "
            "CHOREO_TEST_POSTGRES_URL at one (they are never skipped).",
            pytrace=False,
        )
    try:
        Store.open(database.url).close()  # migrate the session schema once
        yield database
    finally:
        database.drop_schema(database.schema)
        database.admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database for one test: a new SQLite file, or the session's PostgreSQL schema emptied."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'choreo.db'}"
    database: PostgresDatabase = request.getfixturevalue("postgres")
    database.truncate()
    return database.url


@pytest.fixture
def store(database_url: str, clock: Clock) -> Iterator[Store]:
    with Store.open(database_url, clock=clock) as opened:
        yield opened


@pytest.fixture
def other_store(database_url: str, clock: Clock, store: Store) -> Iterator[Store]:
    """A second store (engine, pool) on the same database, like another process."""
    with Store(database_url, clock=clock) as opened:
        yield opened


@pytest.fixture
def empty_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database with no tables at all (migration tests)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    database: PostgresDatabase = request.getfixturevalue("postgres")
    schema = database.new_schema()
    try:
        yield database.url_for(schema)
    finally:
        database.drop_schema(schema)
