"""Strict variables: using something missing fails and names its path; `??`, `default`, `is defined` rescue."""

from __future__ import annotations

import pytest

from choreo.errors import ExpressionError, UndefinedVariable

VARS = {"inputs": {"name": "ada", "nested": {"list": [{"id": 1}]}, "none": None}, "outputs": {"t1": {"value": 1}}}


@pytest.mark.parametrize(
    ("template", "path"),
    [
        ("{{ inputs.foo }}", "inputs.foo"),
        ("{{ outputs.t1.nope }}", "outputs.t1.nope"),
        ("{{ outputs.t2.value }}", "outputs.t2.value"),
        ("{{ inputs.nested.list[0].missing }}", "inputs.nested.list[0].missing"),
        ("{{ inputs.nested.list[5] }}", "inputs.nested.list[5]"),
        ("{{ inputs['my-key'] }}", "inputs['my-key']"),
        ("{{ nothing }}", "nothing"),
        ("{{ nothing.at.all }}", "nothing.at.all"),
        ("{{ inputs.none.attr }}", "attr"),
    ],
)
def test_missing_variable_message_names_the_path(engine, template, path):
    with pytest.raises(UndefinedVariable) as info:
        engine.render(template, VARS)
    assert str(info.value) == f"Unable to render expression: variable '{path}' is not defined"


@pytest.mark.parametrize(
    "template",
    [
        "{% if inputs.foo %}x{% endif %}",
        "{% for x in inputs.foo %}{% endfor %}",
        "{{ inputs.foo == 1 }}",
        "{{ inputs.foo + 1 }}",
        "{{ inputs.foo | upper }}",
        "{{ inputs.foo ~ 'x' }}",
        "{{ [inputs.foo] }}",
        "{{ inputs.foo is null }}",
        "{{ inputs.foo is empty }}",
        "{{ fromJson(inputs.foo) }}",
        "{{ inputs.nested.list contains inputs.foo }}",
    ],
)
def test_any_use_of_undefined_fails(engine, template):
    with pytest.raises(UndefinedVariable, match="inputs.foo"):
        engine.render(template, VARS)


def test_undefined_passes_through_filters_to_coalescing(render):
    assert render("{{ inputs.foo | upper | trim ?? 'safe' }}", inputs={}) == "safe"
    assert render("{{ fromJson(inputs.foo) ?? 'safe' }}", inputs={}) == "safe"


def test_defined_test_and_default_filter(render):
    assert render("{{ inputs.foo is defined }} {{ inputs.name is defined }}", **VARS) == "false true"
    assert render("{{ inputs.foo.bar is not defined }}", **VARS) == "true"
    assert render("{{ inputs.foo | default('d') }}", **VARS) == "d"
    assert render("{{ inputs.none | default('d') }}", **VARS) == "d"
    assert render("{{ '  ' | default('d') }} {{ [] | default('e') }} {{ {} | default('f') }}") == "d e f"
    assert render("{{ 0 | default('d') }} {{ false | default('d') }}") == "0 false"


def test_evaluate_fails_on_undefined_result(evaluate):
    with pytest.raises(UndefinedVariable, match="inputs.x"):
        evaluate("inputs.x", inputs={})


def test_undefined_error_is_an_expression_error(engine):
    with pytest.raises(ExpressionError):
        engine.render("{{ x }}", {})


def test_missing_attribute_of_loop_variable_is_reported(engine):
    with pytest.raises(UndefinedVariable, match=r"items\[0\]\.nope"):
        engine.render("{% for i in items %}{{ i.nope }}{% endfor %}", {"items": [{"a": 1}]})
