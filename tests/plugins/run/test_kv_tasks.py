"""Running the KV tasks (io.kestra.plugin.core.kv.Set / Get / GetKeys / Delete) against the fake store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from choreo.plugins.context import TaskFailed
from choreo.plugins.core.kv.delete import Delete
from choreo.plugins.core.kv.get import Get
from choreo.plugins.core.kv.get_keys import GetKeys
from choreo.plugins.core.kv.set import Set
from choreo.testing import FakeRunContext, default_variables


@pytest.fixture
def ctx(tmp_path) -> FakeRunContext:
    variables = default_variables() | {"outputs": {"count": {"rows": 42, "uri": "kestra:///x/y.csv"}}}
    return FakeRunContext(variables, kv={"existing": "old", "orders_1": 1, "orders_2": 2}, work_root=tmp_path)


def test_set_stores_a_rendered_string_in_the_flow_namespace(ctx, load, run):
    task = load(
        Set,
        """
        id: kv_set
        type: io.kestra.plugin.core.kv.Set
        key: orders_file
        value: "{{ outputs.count.uri }}"
        """,
    )
    assert run(task, ctx) is None
    assert ctx.kv["orders_file"] == "kestra:///x/y.csv"


def test_set_keeps_the_type_of_a_single_expression_and_of_literals(ctx, load, run):
    run(load(Set, "id: s\ntype: io.kestra.plugin.core.kv.Set\nkey: rows\nvalue: '{{ outputs.count.rows }}'"), ctx)
    run(load(Set, "id: s\ntype: io.kestra.plugin.core.kv.Set\nkey: text\nvalue: 'rows: {{ outputs.count.rows }}'"), ctx)
    run(load(Set, "id: s\ntype: io.kestra.plugin.core.kv.Set\nkey: map\nvalue: {a: [1, '{{ flow.id }}']}"), ctx)
    assert ctx.kv["rows"] == 42 and ctx.kv["text"] == "rows: 42" and ctx.kv["map"] == {"a": [1, "test_flow"]}


@pytest.mark.parametrize(
    ("kv_type", "value", "expected"),
    [
        ("NUMBER", "'3.5'", 3.5),
        ("BOOLEAN", "'TRUE'", True),
        ("JSON", "'{\"a\": [1, 2]}'", {"a": [1, 2]}),
        ("DURATION", "PT1H", timedelta(hours=1)),
        ("DATE", "'2024-05-01'", date(2024, 5, 1)),
        ("DATETIME", "'2024-05-01T10:00:00Z'", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("STRING", "'12'", "12"),
    ],
)
def test_set_reads_text_as_the_kv_type(ctx, load, run, kv_type, value, expected):
    task = load(Set, f"id: s\ntype: io.kestra.plugin.core.kv.Set\nkey: k\nvalue: {value}\nkvType: {kv_type}")
    run(task, ctx)
    assert ctx.kv["k"] == expected


def test_set_rejects_text_that_is_not_of_the_kv_type(ctx, load, run):
    task = load(Set, "id: s\ntype: io.kestra.plugin.core.kv.Set\nkey: k\nvalue: abc\nkvType: NUMBER")
    with pytest.raises(TaskFailed, match="NUMBER"):
        run(task, ctx)


def test_set_with_ttl_and_another_namespace(ctx, load, run):
    task = load(
        Set,
        """
        id: kv_set
        type: io.kestra.plugin.core.kv.Set
        key: token
        value: abc
        namespace: "{{ flow.namespace }}.shared"
        ttl: P1D
        """,
    )
    run(task, ctx)
    assert ctx.kv_store["company.team.shared"] == {"token": "abc"}
    assert ctx.kv_ttls[("company.team.shared", "token")] == 86400


def test_set_without_overwrite_fails_on_an_existing_key(ctx, load, run):
    task = load(Set, "id: s\ntype: io.kestra.plugin.core.kv.Set\nkey: existing\nvalue: new\noverwrite: false")
    with pytest.raises(TaskFailed, match="Key already exists"):
        run(task, ctx)
    assert ctx.kv["existing"] == "old"
    run(load(Set, "id: s\ntype: io.kestra.plugin.core.kv.Set\nkey: fresh\nvalue: new\noverwrite: false"), ctx)
    assert ctx.kv["fresh"] == "new"


def test_get_outputs_the_value_or_null(ctx, load, run):
    assert run(load(Get, "id: g\ntype: io.kestra.plugin.core.kv.Get\nkey: existing"), ctx) == {"value": "old"}
    assert run(load(Get, "id: g\ntype: io.kestra.plugin.core.kv.Get\nkey: nope"), ctx) == {"value": None}


def test_get_with_error_on_missing_fails(ctx, load, run):
    task = load(Get, "id: g\ntype: io.kestra.plugin.core.kv.Get\nkey: nope\nerrorOnMissing: true")
    with pytest.raises(TaskFailed, match="No value found for key 'nope' in namespace 'company.team'"):
        run(task, ctx)


def test_get_keys_lists_keys_with_a_prefix(ctx, load, run):
    task = load(GetKeys, "id: k\ntype: io.kestra.plugin.core.kv.GetKeys\nprefix: orders_")
    assert run(task, ctx) == {"keys": ["orders_1", "orders_2"]}
    everything = run(load(GetKeys, "id: k\ntype: io.kestra.plugin.core.kv.GetKeys"), ctx)
    assert everything == {"keys": ["existing", "orders_1", "orders_2"]}
    other = load(GetKeys, "id: k\ntype: io.kestra.plugin.core.kv.GetKeys\nnamespace: elsewhere")
    assert run(other, ctx) == {"keys": []}


def test_delete_outputs_whether_a_key_was_deleted(ctx, load, run):
    task = load(Delete, "id: d\ntype: io.kestra.plugin.core.kv.Delete\nkey: existing")
    assert run(task, ctx) == {"deleted": True}
    assert "existing" not in ctx.kv
    assert run(task, ctx) == {"deleted": False}
    strict = load(Delete, "id: d\ntype: io.kestra.plugin.core.kv.Delete\nkey: existing\nerrorOnMissing: true")
    with pytest.raises(TaskFailed, match="errorOnMissing"):
        run(strict, ctx)
