"""Collection, JSON/YAML/jq and number filters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from choreo.errors import ExpressionError


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ [3, 1, 2] | sort }} {{ [3, 1, 2] | rsort }} {{ [1, 2] | reverse }}", "[1,2,3] [3,2,1] [2,1]"),
        ("{{ 'abc' | reverse }}", "cba"),
        ("{{ [1, [2, 3], [[4]]] | flatten }}", "[1,2,3,[4]]"),
        ("{{ [1, 2, 3, 4, 5] | chunk(2) }}", "[[1,2],[3,4],[5]]"),
        ("{{ [1, 1, 2, {'a': 1}, {'a': 1}, true] | distinct }}", '[1,2,{"a":1},true]'),
        ("{{ {'a': 1, 'b': 2} | keys }} {{ {'a': 1, 'b': 2} | values }}", '["a","b"] [1,2]'),
        ("{{ [5, 6] | first }} {{ [5, 6] | last }} {{ 'xyz' | first }} {{ 'xyz' | last }}", "5 6 x z"),
        ("[{{ [] | first }}]", "[]"),
        ("{{ [1, 2] | length }} {{ 'abc' | length }} {{ {'a': 1} | length }} {{ null | length }}", "2 3 1 0"),
        ("{{ [1, 'a', true] | join(',') }}", "1,a,true"),
        ("{{ ['a', 'b'] | join }}", "ab"),
        ("{{ {'a': 1} | merge({'b': 2}) }}", '{"a":1,"b":2}'),
        ("{{ [1] | merge([2, 3]) }}", "[1,2,3]"),
        ("{{ 'abcdef' | slice(1, 3) }} {{ [1, 2, 3] | slice(1) }}", "bc [2,3]"),
        ("{{ -3 | abs }} {{ -2.5 | abs }}", "3 2.5"),
        ("{{ {'a': [1, 2]} | toJson }} {{ {'a': 1} | json }} {{ null | toJson }}", '{"a":[1,2]} {"a":1} null'),
        ("{{ '42' | number + 1 }} {{ '4.5' | number }} {{ '0x1F' | number }}", "43 4.5 31"),
        ("{{ '3' | number('FLOAT') }} {{ '7' | number('LONG') }}", "3.0 7"),
        ("{{ 1234567.891 | numberFormat('#,##0.00') }}", "1,234,567.89"),
        (
            "{{ 0.5 | numberFormat('#%') }} {{ 2.5 | numberFormat('0') }} {{ 42 | numberFormat('0.000') }}",
            "50% 2 42.000",
        ),
        (
            "{{ 1 | className }} {{ 1.5 | className }} {{ 'x' | className }} {{ true | className }}",
            "java.lang.Integer java.lang.Double java.lang.String java.lang.Boolean",
        ),
        (
            "{{ {} | className }} {{ [] | className }} {{ 10000000000 | className }}",
            "java.util.LinkedHashMap java.util.ArrayList java.lang.Long",
        ),
    ],
)
def test_data_filters(render, template, expected):
    assert render(template) == expected


def test_jq_always_returns_a_list(render):
    data = {"a": [1, 2, 3], "o": {"k": "v"}}
    assert render("{{ d | jq('.a[1]') }}", d=data) == "[2]"
    assert render("{{ d | jq('.a[1]') | first }}", d=data) == "2"
    assert render("{{ d | jq('.a[]') }}", d=data) == "[1,2,3]"
    assert render("{{ d | jq('.o') | first }}", d=data) == '{"k":"v"}'
    assert render("{{ s | jq('.x') | first }}", s='{"x": true}') == "true"


def test_jq_cannot_reach_the_environment_or_modules(render, monkeypatch):
    monkeypatch.setenv("CHOREO_TEST_SECRET", "s3cr3t")
    assert render("{{ {} | jq('env.CHOREO_TEST_SECRET') }}") == "[null]"
    assert render("{{ {} | jq('$ENV.CHOREO_TEST_SECRET') }}") == "[null]"
    with pytest.raises(ExpressionError):
        render("{{ {} | jq('import \"x\" as x; .') }}")


def test_jq_errors_are_expression_errors(render):
    with pytest.raises(ExpressionError, match="jq"):
        render("{{ {} | jq('.[') }}")
    with pytest.raises(ExpressionError, match="jq"):
        render("{{ 'not json' | jq('.') }}")


def test_yaml_filter(render):
    assert render("{{ d | yaml }}", d={"a": 1, "b": [1, "x"]}) == "a: 1\nb:\n- 1\n- x\n"
    assert render("{{ 'x' | yaml }}") == "x\n"
    assert render("{{ null | yaml }}") == "null"


def test_number_big_decimal(evaluate):
    assert evaluate("'1.10' | number('BIGDECIMAL')") == Decimal("1.10")


@pytest.mark.parametrize(
    "template",
    [
        "{{ 'abc' | number }}",
        "{{ 1 | number }}",
        "{{ 'x' | number('WEIRD') }}",
        "{{ [1] | chunk(0) }}",
        "{{ 'abc' | slice(2, 1) }}",
        "{{ 'abc' | slice(0, 9) }}",
        "{{ 1 | flatten }}",
        "{{ [1, 'a'] | sort }}",
        "{{ 'x' | abs }}",
        "{{ 1 | merge([1]) }}",
        "{{ 1 | numberFormat('abc') }}",
    ],
)
def test_data_filter_errors(render, template):
    with pytest.raises(ExpressionError):
        render(template)
