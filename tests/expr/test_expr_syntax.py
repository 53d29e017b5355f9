"""Pebble syntax on Jinja: operators, literals, tags, check_syntax and error lines."""

from __future__ import annotations

import pytest

from choreo.errors import ExpressionError, SecurityViolation
from choreo.expr._pebble_syntax import is_simple_template

INPUTS = {"n": 5, "name": "ada", "list": [1, 2, 3], "map": {"a": 1, "b": 2}, "none": None, "empty": ""}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ inputs.n > 3 ? 'big' : 'small' }}", "big"),
        ("{{ inputs.n > 9 ? 'big' : 'small' }}", "small"),
        ("{{ false ? 1 : true ? 2 : 3 }}", "2"),
        ("{{ inputs.n > 1 and inputs.n < 9 ? 'in' : 'out' }}", "in"),
        ("{{ inputs.list contains 2 }}", "true"),
        ("{{ inputs.list contains 7 }}", "false"),
        ("{{ inputs.list contains [1, 3] }}", "true"),
        ("{{ inputs.name contains 'd' }}", "true"),
        ("{{ inputs.map contains 'a' }}", "true"),
        ("{{ inputs.map contains 'z' }}", "false"),
        ("{{ inputs.list contains 2 and inputs.n == 5 }}", "true"),
        ("{{ not (inputs.list contains 2) }}", "false"),
        ("{{ inputs.n equals 5 }}", "true"),
        ("{{ 1 == 1.0 }}", "true"),
        ("{{ null }}|{{ none }}|{{ true }}|{{ false }}", "||true|false"),
        ("{{ null is null }}", "true"),
        ("{{ inputs.n is not null }}", "true"),
        ("{{ 0..3 }}", "[0,1,2,3]"),
        ("{{ 3..1 }}", "[]"),
        ("{% for i in 1..3 %}{{ i }}{% endfor %}", "123"),
        ("{{ inputs.n + 1 }} {{ inputs.n * 2 }} {{ inputs.n % 2 }} {{ inputs.n - 6 }}", "6 10 1 -1"),
        ("{{ 'a' ~ 'b' ~ 1 }}", "ab1"),
        ("{{ [1, 'x', {'k': null}] }}", '[1,"x",{"k":null}]'),
        ("{{ inputs['map']['a'] }}", "1"),
        ("{{ inputs.list[1] }}", "2"),
        ("{{ -inputs.n }}", "-5"),
    ],
)
def test_operators(render, template, expected):
    assert render(template, inputs=INPUTS) == expected


def test_null_coalescing_takes_left_when_present(render):
    assert render("{{ inputs.name ?? 'x' }}", inputs=INPUTS) == "ada"
    assert render("{{ inputs.none ?? 'x' }}", inputs=INPUTS) == "x"
    assert render("{{ inputs.missing ?? 'x' }}", inputs=INPUTS) == "x"
    assert render("{{ inputs.missing.deep.deeper ?? 'x' }}", inputs=INPUTS) == "x"
    assert render("{{ missing_root.a ?? 'x' }}", inputs=INPUTS) == "x"
    assert render("{{ inputs.empty ?? 'x' }}|", inputs=INPUTS) == "|"


def test_undefined_coalescing_keeps_null(render):
    assert render("{{ inputs.none ??? 'x' }}|", inputs=INPUTS) == "|"
    assert render("{{ inputs.missing ??? 'x' }}", inputs=INPUTS) == "x"
    assert render("{{ inputs.n ??? 'x' }}", inputs=INPUTS) == "5"


def test_coalescing_chains_and_binds_tighter_than_filters_and_arithmetic(render):
    assert render("{{ inputs.a ?? inputs.b ?? 'c' }}", inputs=INPUTS) == "c"
    assert render("{{ inputs.missing ?? 'd' | upper }}", inputs=INPUTS) == "D"
    assert render("{{ inputs.missing ?? 1 + 1 }}", inputs=INPUTS) == "2"
    assert render("{{ inputs.missing ?? 'a' ~ 'b' }}", inputs=INPUTS) == "ab"
    assert render("{{ (inputs.missing ?? 3) > 2 }}", inputs=INPUTS) == "true"
    assert render("{{ inputs.missing | upper ?? 'safe' }}", inputs=INPUTS) == "safe"


def test_coalescing_evaluates_each_side_at_most_once(engine):
    calls = []

    def tick(value):
        calls.append(value)
        return value

    assert engine.render("{{ tick(1) ?? tick(2) }}", {"tick": tick}) == "1"
    assert calls == [1]
    calls.clear()
    assert engine.render("{{ tick(null) ?? tick(2) }}", {"tick": tick}) == "2"
    assert calls == [None, 2]


def test_ternary_only_evaluates_the_chosen_branch(render):
    assert render("{{ true ? 'ok' : inputs.missing.boom }}", inputs=INPUTS) == "ok"


def test_if_elseif_elif_else(render):
    template = "{% if n == 1 %}one{% elseif n == 2 %}two{% elif n == 3 %}three{% else %}many{% endif %}"
    assert [render(template, n=i) for i in (1, 2, 3, 4)] == ["one", "two", "three", "many"]


def test_for_loop_with_else_and_loop_variables(render):
    template = (
        "{% for x in items %}{{ loop.index }}:{{ x }}{% if not loop.last %},{% endif %}{% else %}none{% endfor %}"
    )
    assert render(template, items=["a", "b"]) == "1:a,2:b"  # loop.index is Jinja's (1-based)
    assert render(template, items=[]) == "none"
    assert render("{% for x in items %}{{ loop.index0 }}{% endfor %}", items="ab") == "01"


def test_for_over_map_gives_entries(render):
    assert render("{% for e in m %}{{ e.key }}={{ e.value }};{% endfor %}", m={"a": 1, "b": 2}) == "a=1;b=2;"
    assert render("{% for k, v in m %}{{ k }}={{ v }};{% endfor %}", m={"a": 1}) == "a=1;"
    assert render("{% for e in m %}{{ e }}{% endfor %}", m={"a": 1}) == "a=1"


def test_for_over_null_is_empty(render):
    assert render("{% for x in v %}x{% else %}empty{% endfor %}", v=None) == "empty"


def test_set_macro_block_filter_and_verbatim(render):
    assert render("{% set x = 2 %}{{ x * 3 }}") == "6"
    assert render("{% set x %}in{% endset %}{{ x }}") == "in"
    assert render("{% macro hi(n) %}hi {{ n }}{% endmacro %}{{ hi('bob') }}") == "hi bob"
    assert render("{% block b %}inside{% endblock %}") == "inside"
    assert render("{% filter upper %}abc{% endfilter %}") == "ABC"
    assert render("{% verbatim %}{{ x }}{% endverbatim %}") == "{{ x }}"
    assert render("{% raw %}{% if %}{% endraw %}") == "{% if %}"
    assert render("a{# comment #}b") == "ab"


def test_whitespace_control(render):
    assert render("a  {{- 'b' -}}  c") == "abc"


def test_maps_read_keys_never_methods(render):
    outputs = {"t": {"values": [1], "items": "i", "keys": "k", "get": "g", "update": "u", "copy": "c"}}
    assert render("{{ o.t.values }} {{ o.t.items }} {{ o.t.keys }} {{ o.t.get }}", o=outputs) == "[1] i k g"
    assert render("{{ o.t['update'] }}{{ o.t.copy }}", o=outputs) == "uc"
    assert render("{{ m['my-key'] }}", m={"my-key": 3}) == "3"
    assert render("{{ m._id }}", m={"_id": "x"}) == "x"


@pytest.mark.parametrize(
    "template",
    [
        "{{ x }}",
        "text only",
        "{{ a ?? b }} {{ c ??? d }} {{ e ? f : g }}",
        "{% if a %}{% elseif b %}{% else %}{% endif %}",
        "{% for i in 0..2 %}{% endfor %}",
        "{{ a contains b }}",
        "{{ x | date('yyyy') }}",
        "{% verbatim %}{{ not valid {% endverbatim %}",
    ],
)
def test_check_syntax_accepts(engine, template):
    engine.check_syntax(template)


@pytest.mark.parametrize(
    ("template", "line"),
    [
        ("{{ x ", 1),
        ("{{ 1 + }}", 1),
        ("ok\nok\n{{ a b }}", 3),
        ("{% if x %}", 1),
        ("{{ x | nosuchfilter }}", 1),
        ("{{ x is nosuchtest }}", 1),
        ("{% with a = 1 %}{% endwith %}", 1),
        ("{% autoescape true %}{% endautoescape %}", 1),
        ("{{ a ? b }}", 1),
        ("line1\n{% for %}", 2),
    ],
)
def test_check_syntax_rejects_with_line(engine, template, line):
    with pytest.raises(ExpressionError) as info:
        engine.check_syntax(template)
    assert info.value.line == line
    assert info.value.template == template
    assert not isinstance(info.value, SecurityViolation)


def test_check_syntax_is_cached_and_repeatable(engine):
    for _ in range(2):
        with pytest.raises(ExpressionError):
            engine.check_syntax("{{ broken ")


def test_runtime_errors_carry_the_template_line(engine):
    with pytest.raises(ExpressionError) as info:
        engine.render("a\nb\n{{ 1 / 0 }}", {})
    assert info.value.line == 3


@pytest.mark.parametrize(
    ("template", "simple"),
    [
        ("{{ a }}", True),
        ("x {{ a.b[0]['k'] | upper | trim }} y", True),
        ("{{ a -}}", True),
        ("{{ a - }}", False),
        ("{{ not }}", False),
        ("{{ self }}", False),
        ("{{ a | attr }}", False),
        ("{{ a.__class__ }}", False),
        ("{# c #}", False),
        ("{{ a ~ b }}", False),
    ],
)
def test_simple_template_fast_path(engine, template, simple):
    assert is_simple_template(template, engine._env.filters) is simple


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ 4 is even }} {{ 4 is odd }} {{ 3 is odd }} {{ 'x' is even }}", "true false true false"),
        ("{{ v is null }} {{ v is none }} {{ 1 is not null }}", "true true true"),
        (
            "{{ v is empty }} {{ '  ' is empty }} {{ [] is empty }} {{ {} is empty }} {{ 0 is empty }}",
            "true true true true false",
        ),
        ("{{ [1] is iterable }} {{ 'ab' is iterable }} {{ {} is iterable }}", "true false false"),
        ("{{ {} is map }} {{ [] is map }}", "true false"),
        ("{{ '{\"a\": 1}' is json }} {{ '[1' is json }} {{ 1 is json }}", "true false false"),
        ("{{ v is defined }} {{ nope is defined }} {{ nope is not defined }}", "true false true"),
    ],
)
def test_tests(render, template, expected):
    assert render(template, v=None) == expected
