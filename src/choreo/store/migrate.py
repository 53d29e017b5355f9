"""Schema migrations: one Alembic history in `migrations/`, run in one transaction under a lock.

A fresh database gets `metadata.create_all` and is stamped at head (one step, not a replay of history). A database
with an older revision is upgraded; each step is idempotent (`has_table`/`has_index` guards), so a step
interrupted on a backend without transactional DDL re-runs cleanly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from choreo.store.dialects import WRITE_OPTION, Dialect
from choreo.store.schema import POSTGRES_ONLY_INDEXES, metadata

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at Choreo's history; env.py runs on `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def include_object(dialect_name: str) -> Callable[..., bool]:
    """Alembic's `include_object` for comparing `metadata` with a database of this dialect."""

    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        return not (type_ == "index" and dialect_name != "postgresql" and name in POSTGRES_ONLY_INDEXES)

    return include


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migration history is empty"
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, dialect: Dialect) -> str:
    """Bring the database to the head revision and return it."""
    head = head_revision()
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            dialect.lock_for_migration(conn)
            current = current_revision(conn)
            if current == head:
                return head
            config = alembic_config(conn)
            if current is None and not inspect(conn).get_table_names():
                metadata.create_all(conn)
                command.stamp(config, "head")
            else:
                command.upgrade(config, "head")
    return head


def upgrade_from_scratch(engine: Engine) -> None:
    """Replay the whole history (what an old database goes through), for tests that compare it with `metadata`."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            command.upgrade(alembic_config(conn), "head")
