"""The SQL polling triggers against a real SQLite file and the machine's PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import uuid

import psycopg

from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from runtime_support import run_until

POSTGRES = os.environ.get("CHOREO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def results(rt) -> list[str]:
    found = rt.store.executions.search(flow_id="orders", size=50, sort="startDate:asc").items
    return [e.task_run_list[0].outputs["value"] for e in found if e.state.current.value == "SUCCESS"]


def flow(type_name: str, url: str, fetch: str, fmt: str, table: str) -> str:
    return f"""id: orders
namespace: sql
tasks:
  - id: show
    type: io.kestra.plugin.core.debug.Return
    format: "{fmt}"
triggers:
  - id: new_orders
    type: {type_name}
    url: {url}
    sql: SELECT id, item FROM {table} WHERE status = 'NEW' ORDER BY id
    fetchType: {fetch}
    interval: PT0.2S
"""


def test_sqlite_rows_start_the_flow_with_their_values(tmp_path):
    database = tmp_path / "shop.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER, item TEXT, status TEXT)")
    rt = Runtime(ServerConfig(home=tmp_path / "home"))
    fmt = "{{ trigger.size }} {{ trigger.rows | jq('.[].item') | join(',') }}"
    save_flow(
        rt.app,
        rt.store,
        flow("io.kestra.plugin.jdbc.sqlite.Trigger", f"jdbc:sqlite:{database}", "FETCH", fmt, "orders"),
    )
    try:
        run_until(rt, lambda: False, timeout=0.5)
        assert results(rt) == []  # no row: nothing starts
        with sqlite3.connect(database) as conn:
            conn.executemany("INSERT INTO orders VALUES (?, ?, 'NEW')", [(1, "book"), (2, "pen")])
        run_until(rt, lambda: len(results(rt)) >= 1)
        assert results(rt)[0] == "2 book,pen"
    finally:
        rt.close()


def test_postgresql_rows_stored_as_a_file(tmp_path):
    table = f"orders_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (id INT, item TEXT, status TEXT)")
        conn.execute(f"INSERT INTO {table} VALUES (1, 'ink', 'NEW')")
    rt = Runtime(ServerConfig(home=tmp_path / "home"))
    fmt = "{{ trigger.size }} {{ read(trigger.uri) | trim }}"
    url = "jdbc:" + POSTGRES.replace("postgres@", "")
    save_flow(
        rt.app,
        rt.store,
        flow("io.kestra.plugin.jdbc.postgresql.Trigger", url, "STORE", fmt, table).replace(
            f"    url: {url}\n", f"    url: {url}\n    username: postgres\n"
        ),
    )
    try:
        run_until(rt, lambda: len(results(rt)) >= 1)
        assert results(rt)[0] == '1 {"id": 1, "item": "ink"}'
    finally:
        rt.close()
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f"DROP TABLE {table}")
