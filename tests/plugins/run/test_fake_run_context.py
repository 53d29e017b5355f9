"""choreo.testing.FakeRunContext: the run context tests of tasks (and third-party plugins) use."""

from __future__ import annotations

from pathlib import Path

import pytest

from choreo.errors import ExpressionError
from choreo.plugins.context import RunContext
from choreo.testing import DEFAULT_NAMESPACE, FakeRunContext, Metric


def test_is_a_run_context(ctx):
    context: RunContext = ctx
    assert context.variables["flow"]["namespace"] == DEFAULT_NAMESPACE


def test_renders_with_the_variables_and_extra_on_top(tmp_path):
    ctx = FakeRunContext({"name": "ada", "n": 2}, work_root=tmp_path)
    assert ctx.render("hi {{ name }}") == "hi ada"
    assert ctx.render({"a": ["{{ name | upper }}", 1], "{{ n }}": True}) == {"a": ["ADA", 1], "2": True}
    assert ctx.render("{{ name }} in {{ workingDir }}", {"workingDir": "/w", "name": "bob"}) == "bob in /w"
    assert ctx.evaluate("{{ n * 3 }}") == 6
    assert ctx.evaluate("{{ n > x }}", {"x": 1}) is True
    with pytest.raises(ExpressionError):
        ctx.render("{{ missing }}")


def test_template_functions_use_secrets_kv_and_files(tmp_path):
    ctx = FakeRunContext(secrets={"TOKEN": "s3cr3t"}, kv={"last": 7}, files={"in/data.txt": "abc"}, work_root=tmp_path)
    assert ctx.render("{{ secret('TOKEN') }}") == "s3cr3t"
    assert ctx.render("{{ kv('last') }}") == "7"
    assert ctx.render("{{ read('kestra:///fake/in/data.txt') }}") == "abc"
    assert ctx.render("{{ fileSize('kestra:///fake/in/data.txt') }}") == "3"
    with pytest.raises(ExpressionError, match="secret"):
        ctx.render("{{ secret('NOPE') }}")


def test_logger_records_levels(ctx):
    ctx.logger.info("i")
    ctx.logger.warn("w")
    ctx.logger.log("ERROR", "e")
    ctx.logger.log("warning", "w2")
    ctx.logger.trace("t")
    ctx.logger.debug("d")
    assert ctx.log_lines == [
        ("INFO", "i"),
        ("WARN", "w"),
        ("ERROR", "e"),
        ("WARN", "w2"),
        ("TRACE", "t"),
        ("DEBUG", "d"),
    ]
    assert ctx.messages("WARN") == ["w", "w2"]
    with pytest.raises(ValueError, match="LOUD"):
        ctx.logger.log("LOUD", "x")


def test_metrics_and_warning_state(ctx):
    ctx.metric("rows", 3, tags={"table": "t"})
    ctx.metric("load", 1.5, kind="timer")
    assert ctx.metrics == [Metric("rows", 3.0, "counter", {"table": "t"}), Metric("load", 1.5, "timer", {})]
    assert not ctx.state_warning
    ctx.warn_state()
    assert ctx.state_warning


def test_files_round_trip_through_the_fake_storage(ctx, tmp_path):
    source = ctx.working_dir() / "out.csv"
    source.write_text("a,b\n")
    uri = ctx.put_file(source)
    assert uri.startswith("kestra:///fake/") and ctx.read_file(uri) == b"a,b\n"
    assert ctx.outputs_files == {"out.csv": uri}
    named = ctx.put_file(source, "renamed.csv")
    assert named != uri and ctx.outputs_files["renamed.csv"] == named
    stored = ctx.add_file("kestra:///company/team/f/x.bin", b"\x00\x01")
    assert ctx.read_file(stored) == b"\x00\x01"
    with pytest.raises(ValueError):
        ctx.read_file("kestra:///fake/../../etc/passwd")
    assert ctx.working_dir() == tmp_path / "work"


def test_kv_operations(ctx):
    ctx.kv_put("a", 1)
    ctx.kv_put("b", {"x": 1}, namespace="other", ttl=60)
    assert ctx.kv_get("a") == 1 and ctx.kv == {"a": 1}
    assert ctx.kv_get("b", "other") == {"x": 1} and ctx.kv_ttls[("other", "b")] == 60
    assert ctx.kv_keys() == ["a"] and ctx.kv_keys("b", "other") == ["b"]
    assert ctx.kv_delete("a") is True and ctx.kv_delete("a") is False


def test_its_own_temporary_directory_is_removed_on_close():
    with FakeRunContext() as ctx:
        root = ctx.work_root
        (ctx.working_dir() / "f").write_text("x")
        assert root.exists()
    assert not Path(root).exists()
