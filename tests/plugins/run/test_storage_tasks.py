"""Running the storage tasks: Write, Concat, Split, Size, Delete, Reverse, FilterItems and DeduplicateItems."""

from __future__ import annotations

import json

import pytest

from choreo.plugins.context import TaskFailed
from choreo.plugins.core.storage.concat import Concat
from choreo.plugins.core.storage.deduplicate_items import DeduplicateItems
from choreo.plugins.core.storage.delete import Delete
from choreo.plugins.core.storage.filter_items import FilterItems
from choreo.plugins.core.storage.reverse import Reverse
from choreo.plugins.core.storage.size import Size
from choreo.plugins.core.storage.split import Split, parse_bytes
from choreo.plugins.core.storage.write import Write
from choreo.testing import FakeRunContext, default_variables


@pytest.fixture
def ctx(tmp_path) -> FakeRunContext:
    variables = default_variables() | {"inputs": {"name": "ada", "rows": 2}}
    return FakeRunContext(variables, work_root=tmp_path)


def text(ctx: FakeRunContext, uri: str) -> str:
    return ctx.read_file(uri).decode()


def test_write_stores_the_rendered_content(ctx, load, run):
    task = load(
        Write, "id: w\ntype: io.kestra.plugin.core.storage.Write\ncontent: 'Hello {{ inputs.name }}'\nextension: .txt"
    )
    out = run(task, ctx)
    assert out["uri"].startswith("kestra://") and out["uri"].endswith(".txt")
    assert text(ctx, out["uri"]) == "Hello ada"
    assert out["size"] == 9


def test_concat_a_list_with_a_separator(ctx, load, run):
    a = ctx.add_file("a.txt", "one")
    b = ctx.add_file("b.txt", "two")
    task = load(
        Concat,
        f"""
        id: c
        type: io.kestra.plugin.core.storage.Concat
        files: ["{a}", "{b}"]
        separator: "\\n"
        extension: .csv
        """,
    )
    out = run(task, ctx)
    assert out["uri"].endswith(".csv")
    assert text(ctx, out["uri"]) == "one\ntwo\n"


def test_concat_a_json_string_without_separator(ctx, run):
    a = ctx.add_file("a.txt", "one")
    b = ctx.add_file("b.txt", "two")
    ctx.variables["vars"]["files"] = [a, b]
    task = Concat(id="c", type=Concat.type_name, files="{{ vars.files | json }}")
    out = run(task, ctx)
    assert out["uri"].endswith(".tmp")
    assert text(ctx, out["uri"]) == "onetwo"


def test_split_by_rows(ctx, load, run):
    uri = ctx.add_file("data.csv", "1\n2\n3\n4\n5\n")
    task = load(
        Split, f"id: s\ntype: io.kestra.plugin.core.storage.Split\nfrom: '{uri}'\nrows: '{{{{ inputs.rows }}}}'"
    )
    uris = run(task, ctx)["uris"]
    assert [text(ctx, u) for u in uris] == ["1\n2\n", "3\n4\n", "5\n"]
    assert all(u.endswith(".csv") for u in uris)


def test_split_by_partitions_round_robin(ctx, run):
    uri = ctx.add_file("data.txt", "a\nb\nc\nd\ne")
    uris = run(Split(id="s", type=Split.type_name, **{"from": uri}, partitions=2), ctx)["uris"]
    assert [text(ctx, u) for u in uris] == ["a\nc\ne\n", "b\nd\n"]
    assert run(Split(id="s", type=Split.type_name, **{"from": uri}, partitions=9), ctx)["uris"].__len__() == 5


def test_split_by_bytes_with_a_separator(ctx, run):
    uri = ctx.add_file("data.txt", "aaa\nbbb\nccc\n")
    uris = run(Split(id="s", type=Split.type_name, **{"from": uri}, bytes="8", separator=";"), ctx)["uris"]
    assert [text(ctx, u) for u in uris] == ["aaa;bbb;", "ccc;"]
    assert parse_bytes("10MB") == 10 * 1024 * 1024 and parse_bytes("2kb") == 2048 and parse_bytes("12") == 12
    with pytest.raises(TaskFailed, match="Invalid size"):
        parse_bytes("ten")


def test_split_by_regex_groups(ctx, run):
    uri = ctx.add_file("data.jsonl", '{"t": "x", "v": 1}\n{"t": "y", "v": 2}\n{"t": "x", "v": 3}\nnope\n')
    task = Split(id="s", type=Split.type_name, **{"from": uri}, regexPattern='"t": "([^"]+)"')
    uris = run(task, ctx)["uris"]
    assert [text(ctx, u) for u in uris] == ['{"t": "x", "v": 1}\n{"t": "x", "v": 3}\n', '{"t": "y", "v": 2}\n']


def test_split_without_a_strategy_fails(ctx, run):
    uri = ctx.add_file("data.txt", "a\n")
    with pytest.raises(TaskFailed, match="no size, count, rows"):
        run(Split(id="s", type=Split.type_name, **{"from": uri}), ctx)


def test_size(ctx, run):
    uri = ctx.add_file("data.bin", b"\x00" * 42)
    assert run(Size(id="s", type=Size.type_name, uri=uri), ctx) == {"size": 42}
    with pytest.raises(TaskFailed, match="Unable to find file"):
        run(Size(id="s", type=Size.type_name, uri="kestra:///fake/missing.txt"), ctx)


def test_delete_fails_clearly_without_a_delete_service(ctx, run):
    uri = ctx.add_file("data.txt", "x")
    with pytest.raises(TaskFailed, match="cannot delete") as info:
        run(Delete(id="d", type=Delete.type_name, uri=uri), ctx)
    assert info.value.retryable is False


def test_delete_uses_the_context_delete_file_when_it_has_one(ctx, run):
    uri = ctx.add_file("data.txt", "x")
    deleted: list[str] = []
    ctx.delete_file = lambda u: deleted.append(u) or u == uri  # type: ignore[attr-defined]
    assert run(Delete(id="d", type=Delete.type_name, uri=uri), ctx) == {"uri": uri, "deleted": True}
    assert run(Delete(id="d", type=Delete.type_name, uri="kestra:///fake/other"), ctx)["deleted"] is False
    with pytest.raises(TaskFailed, match="Unable to find file"):
        run(Delete(id="d", type=Delete.type_name, uri="kestra:///fake/other", errorOnMissing=True), ctx)


def test_reverse_lines(ctx, run):
    uri = ctx.add_file("numbers.txt", "1\r\n2\n3\n")
    out = run(Reverse(id="r", type=Reverse.type_name, **{"from": uri}), ctx)
    assert out["uri"].endswith(".txt")
    assert text(ctx, out["uri"]) == "3\n2\n1\n"
    out = run(Reverse(id="r", type=Reverse.type_name, **{"from": uri}, separator=","), ctx)
    assert text(ctx, out["uri"]) == "3,2,1,"


def test_reverse_with_a_charset(ctx, run):
    uri = ctx.add_file("latin.txt", "é\nà\n".encode("latin-1"))
    out = run(Reverse(id="r", type=Reverse.type_name, **{"from": uri}, charset="ISO-8859-1"), ctx)
    assert ctx.read_file(out["uri"]).decode("latin-1") == "à\né\n"


ITEMS = "\n".join(json.dumps(item) for item in [{"id": 1, "v": 5}, {"id": 2, "v": 50}, {"id": 3, "v": None}]) + "\n"


def test_filter_items_include_and_exclude(ctx, load, run):
    uri = ctx.add_file("items.ion", ITEMS)
    task = load(
        FilterItems,
        f"""
        id: f
        type: io.kestra.plugin.core.storage.FilterItems
        from: "{uri}"
        filterCondition: "{{{{ v is not null and v > 10 }}}}"
        """,
    )
    out = run(task, ctx)
    assert text(ctx, out["uri"]) == '{"id": 2, "v": 50}\n'
    assert (out["processedItemsTotal"], out["droppedItemsTotal"]) == (3, 2)
    exclude = task.model_copy(update={"filter_type": "EXCLUDE"})
    out = run(exclude, ctx)
    assert [json.loads(line)["id"] for line in text(ctx, out["uri"]).splitlines()] == [1, 3]


def test_filter_items_errors_fail_or_follow_the_behavior(ctx, run):
    uri = ctx.add_file("items.ion", ITEMS)
    task = FilterItems(id="f", type=FilterItems.type_name, **{"from": uri}, filterCondition="{{ v > 10 }}")
    with pytest.raises(TaskFailed, match="filterCondition failed"):
        run(task, ctx)
    task = task.model_copy(update={"filter_condition": "{{ missing }}", "error_or_null_behavior": "INCLUDE"})
    out = run(task, ctx)
    assert (out["processedItemsTotal"], out["droppedItemsTotal"]) == (3, 0)
    task = task.model_copy(update={"error_or_null_behavior": "EXCLUDE"})
    assert run(task, ctx)["droppedItemsTotal"] == 3


def test_filter_items_falsy_texts(ctx, run):
    uri = ctx.add_file("items.ion", '{"f": "0"}\n{"f": "-0"}\n{"f": ""}\n{"f": "false"}\n{"f": "yes"}\n')
    out = run(FilterItems(id="f", type=FilterItems.type_name, **{"from": uri}, filterCondition="{{ f }}"), ctx)
    assert text(ctx, out["uri"]) == '{"f": "yes"}\n'


def test_filter_items_rejects_non_json_rows(ctx, run):
    uri = ctx.add_file("items.ion", "{a: 2023-01-01T}\n")
    with pytest.raises(TaskFailed, match="only JSON values"):
        run(FilterItems(id="f", type=FilterItems.type_name, **{"from": uri}, filterCondition="{{ a }}"), ctx)


def test_deduplicate_items_keeps_the_last_of_each_key(ctx, load, run):
    rows = [{"k": "a", "n": 1}, {"k": "b", "n": 2}, {"k": "a", "n": 3}, {"k": "c", "n": 4}, {"k": "b", "n": 5}]
    uri = ctx.add_file("items.ion", "\n".join(json.dumps(r) for r in rows) + "\n")
    task = load(
        DeduplicateItems,
        f'id: d\ntype: io.kestra.plugin.core.storage.DeduplicateItems\nfrom: "{uri}"\nexpr: "{{{{ k }}}}"',
    )
    out = run(task, ctx)
    assert [json.loads(line)["n"] for line in text(ctx, out["uri"]).splitlines()] == [3, 4, 5]
    assert (out["numKeys"], out["processedItemsTotal"], out["droppedItemsTotal"]) == (3, 5, 2)
