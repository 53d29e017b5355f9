"""Template functions: parsing, ids, ranges, render/renderOnce, currentEachOutput, store-backed services."""

from __future__ import annotations

import re
from typing import Any

import pytest

from choreo.errors import ChoreoError, ExpressionError, UndefinedVariable


class FakeServices:
    """A RenderServices double that records calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def secret(self, key: str) -> str:
        self.calls.append(("secret", (key,)))
        if key == "MISSING":
            raise KeyError(key)
        return f"secret-{key}"

    def kv(self, key: str, namespace: str | None, error_on_missing: bool) -> Any:
        self.calls.append(("kv", (key, namespace, error_on_missing)))
        return {"v": key}

    def read(self, path: str) -> str:
        self.calls.append(("read", (path,)))
        return "content of " + path

    def file_uri(self, path: str) -> str:
        return "kestra:///ns/" + path

    def file_size(self, uri: str) -> int:
        return 42

    def error_logs(self) -> list[dict]:
        return [{"message": "boom"}]


def test_parsing_functions(render):
    assert render("{{ fromJson('{\"a\": [1, 2]}').a[1] }}") == "2"
    assert render("{{ json('[1]') }}") == "[1]"
    assert render("{{ yaml('a: {b: 1}').a.b }}") == "1"
    assert render("[{{ fromJson(null) }}]") == "[]"


def test_ids_and_random(render):
    assert re.fullmatch(r"[0-9a-f-]{36}", render("{{ uuid() }}"))
    ids = {render("{{ id() }}") for _ in range(20)}
    assert len(ids) == 20 and all(re.fullmatch(r"[0-9A-Za-z]{22}", i) for i in ids)
    assert {int(render("{{ randomInt(1, 3) }}")) for _ in range(60)} == {1, 2}
    assert render("{{ randomInt(5, 5) }}") == "5"
    assert 0 < int(render("{{ randomPort() }}")) < 65536


def test_range_is_inclusive_and_bounded(render):
    assert render("{{ range(0, 3) }} {{ range(0, 10, 5) }} {{ range(3, 0, -1) }}") == "[0,1,2,3] [0,5,10] [3,2,1,0]"
    with pytest.raises(ExpressionError, match="1000000"):
        render("{{ range(0, 2000000) }}")
    with pytest.raises(ExpressionError):
        render("{{ range(0, 3, 0) }}")


def test_min_max(render):
    assert render("{{ max(1, 5, 3) }} {{ min(4, 2) }} {{ max([7, 9]) }}") == "5 2 9"


def test_render_renders_values_again_only_when_asked(render):
    variables = {"tpl": "Hi {{ name }}", "name": "ada", "deep": "{{ tpl }}"}
    assert render("{{ tpl }}", **variables) == "Hi {{ name }}"
    assert render("{{ render(tpl) }}", **variables) == "Hi ada"
    assert render("{{ renderOnce(deep) }}", **variables) == "Hi {{ name }}"
    assert render("{{ render(deep) }}", **variables) == "Hi ada"
    assert render("{{ render(deep, recursive=false) }}", **variables) == "Hi {{ name }}"
    assert render("{{ render(5) }}") == "5"


def test_render_is_bounded(render):
    with pytest.raises(ExpressionError, match="nested"):
        render("{{ render(loop_) }}", loop_="{{ render(loop_) }}")
    growing = "{{ '{{' ~ '\"x\"' ~ '}}' }}"
    assert render("{{ render(t) }}", t=growing) == "x"


def test_current_each_output():
    from choreo.expr import ExpressionEngine

    engine = ExpressionEngine()
    outputs = {"each": {"a": {"x": {"value": 1}}, "b": {"x": {"value": 2}}}}
    variables = {"outputs": outputs, "taskrun": {"value": "x"}, "parents": [{"taskrun": {"value": "b"}}]}
    assert engine.render("{{ currentEachOutput(outputs.each).value }}", variables) == "2"
    flat = {"outputs": {"each": {"x": "out"}}, "taskrun": {"value": "x"}, "parents": []}
    assert engine.render("{{ currentEachOutput(outputs.each) }}", flat) == "out"
    nested = {
        "outputs": {"t": {"o1": {"i1": {"x": "deep"}}}},
        "taskrun": {"value": "x"},
        "parents": [{"taskrun": {"value": "i1"}}, {"taskrun": {"value": "o1"}}],  # innermost first
    }
    assert engine.render("{{ currentEachOutput(outputs.t) }}", nested) == "deep"
    with pytest.raises(ExpressionError, match="no outputs"):
        engine.render("{{ currentEachOutput(outputs.each) }}", {**variables, "parents": [{"taskrun": {"value": "z"}}]})
    with pytest.raises(ExpressionError, match="ForEach"):
        engine.render("{{ currentEachOutput(outputs.each) }}", {"outputs": outputs})


def test_context_functions(render):
    assert render("{{ printContext() }}", a=1, b={"c": [True]}) == '{"a":1,"b":{"c":[true]}}'
    assert render("{{ fetchContext().b.c }}", a=1, b={"c": [True]}) == "[true]"


def test_store_functions_use_the_services(engine):
    services = FakeServices()
    template = (
        "{{ secret('API') }}|{{ kv('k') }}|{{ kv('k', 'ns', false) }}|{{ read('a.txt') }}|"
        "{{ fileURI('f.csv') }}|{{ fileSize('kestra:///x') }}|{{ errorLogs()[0].message }}"
    )
    rendered = engine.render(template, {}, services)
    assert rendered == ('secret-API|{"v":"k"}|{"v":"k"}|content of a.txt|kestra:///ns/f.csv|42|boom')
    assert ("kv", ("k", None, True)) in services.calls and ("kv", ("k", "ns", False)) in services.calls
    assert engine.render("{{ kv(key='k', errorOnMissing=false) }}", {}, services) == '{"v":"k"}'


@pytest.mark.parametrize(
    "call", ["secret('x')", "kv('x')", "read('x')", "fileURI('x')", "fileSize('x')", "errorLogs()"]
)
def test_store_functions_without_services_name_the_function(engine, call):
    name = call.split("(")[0]
    with pytest.raises(ExpressionError, match=rf"'{name}\(\)'"):
        engine.render("{{ " + call + " }}", {})


def test_service_failures_become_expression_errors(engine):
    with pytest.raises(ExpressionError, match="secret"):
        engine.render("{{ secret('MISSING') }}", {}, FakeServices())


def test_choreo_errors_from_services_pass_through(engine):
    class Domain(ChoreoError):
        pass

    class Failing:
        def secret(self, key: str) -> str:
            raise Domain("no such secret")

    with pytest.raises(Domain):
        engine.render("{{ secret('x') }}", {}, Failing())


def test_services_are_available_in_nested_render(engine):
    assert engine.render("{{ render(t) }}", {"t": "{{ secret('N') }}"}, FakeServices()) == "secret-N"


def test_services_are_not_visible_to_templates(engine):
    with pytest.raises(UndefinedVariable):
        engine.render("{{ services }}", {}, FakeServices())
    assert "FakeServices" not in engine.render("{{ printContext() }}", {}, FakeServices())


def test_function_argument_errors(render):
    for template in ("{{ fromJson('{') }}", "{{ randomInt(3, 1) }}", "{{ randomInt('a', 2) }}", "{{ yaml(': :') }}"):
        with pytest.raises(ExpressionError):
            render(template)
