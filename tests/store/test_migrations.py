from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, inspect, text

from choreo.store import Store
from choreo.store.migrate import alembic_config, head_revision, include_object, upgrade_from_scratch
from choreo.store.schema import metadata

TABLES = {table.name for table in metadata.sorted_tables}


def _schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object(conn.dialect.name)})
        return list(compare_metadata(context, metadata))


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_fresh_database_migrates_to_head(empty_url: str) -> None:
    with Store(empty_url) as store:
        assert store.schema_revision() is None
        assert store.migrate() == head_revision()
        assert store.schema_revision() == head_revision()
        assert TABLES <= set(inspect(store.engine).get_table_names())
        assert _schema_diff(store.engine) == []


def test_migrating_twice_is_a_no_op(empty_url: str) -> None:
    with Store.open(empty_url) as store, _statements(store.engine) as seen:
        assert store.migrate() == head_revision()
        assert not [s for s in seen if s.lstrip().upper().startswith(("CREATE", "ALTER", "DROP", "UPDATE", "INSERT"))]
    with Store.open(empty_url) as again:  # another process opening the same database
        assert again.schema_revision() == head_revision()


def test_create_all_then_stamp_reports_head(empty_url: str) -> None:
    with Store(empty_url) as store:
        with store.engine.begin() as conn:
            metadata.create_all(conn)
            command.stamp(alembic_config(conn), "head")
        assert store.schema_revision() == head_revision()
        with _statements(store.engine) as seen:
            store.migrate()
        assert not [s for s in seen if s.lstrip().upper().startswith(("CREATE", "ALTER"))]


def test_replaying_the_history_builds_the_same_schema(empty_url: str) -> None:
    with Store(empty_url) as store:
        upgrade_from_scratch(store.engine)
        assert store.schema_revision() == head_revision()
        assert _schema_diff(store.engine) == []


def test_an_interrupted_upgrade_re_runs_cleanly(empty_url: str) -> None:
    with Store(empty_url) as store:
        with store.engine.begin() as conn:  # as if the first steps ran and the process died before the stamp
            metadata.create_all(conn, tables=[metadata.tables["flows"], metadata.tables["executions"]])
            conn.execute(text("DROP INDEX ix_executions_flow_state"))
        assert store.schema_revision() is None
        assert store.migrate() == head_revision()
        assert _schema_diff(store.engine) == []
        store.flows.save("ns", "f", "id: f", flow_json={})  # and the store works
        assert store.flows.get("ns", "f") is not None


def test_sqlite_connections_are_tuned(tmp_path: object) -> None:
    with Store.open(f"sqlite:///{tmp_path}/tuned.db") as store, store.engine.connect() as conn:
        pragma = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in
                  ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}  # fmt: skip
    assert pragma == {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1, "busy_timeout": 5000}


def _upgrade_to(engine: Engine, revision: str) -> None:
    from choreo.store.migrate import WRITE_OPTION

    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            command.upgrade(alembic_config(conn), revision)


def test_every_released_schema_upgrades_to_head_keeping_its_data(empty_url: str) -> None:
    from alembic.script import ScriptDirectory

    released = [s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()][1:]  # all but head
    assert released, "the history has older revisions"
    for revision in released:
        with Store(empty_url) as store:
            with store.engine.begin() as conn:
                for table in reversed(metadata.sorted_tables):
                    conn.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            _upgrade_to(store.engine, revision)
            assert store.schema_revision() == revision
            store.flows.save("ns", "kept", "id: kept", flow_json={})  # data written by the old version
            assert store.migrate() == head_revision()
            assert _schema_diff(store.engine) == []
            assert store.flows.get("ns", "kept") is not None


def test_an_interrupted_upgrade_to_the_latest_revision_re_runs_cleanly(empty_url: str) -> None:
    with Store(empty_url) as store:
        _upgrade_to(store.engine, "0002")
        with store.engine.begin() as conn:  # the new table was created, then the process died before the stamp
            metadata.create_all(conn, tables=[metadata.tables["components"]])
        assert store.schema_revision() == "0002"
        assert store.migrate() == head_revision()
        assert _schema_diff(store.engine) == []
