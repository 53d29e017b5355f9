"""The sandbox: hostile templates raise SecurityViolation (or another ExpressionError) and reach nothing."""

from __future__ import annotations

import builtins

import pytest

from choreo.errors import ExpressionError, SecurityViolation

HOSTILE = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ x|attr('format') }}",
    "{{ x|attr('__class__') }}",
    "{% include '/etc/passwd' %}",
    "{% import 'x' as y %}",
    "{% from 'x' import y %}",
    "{% extends 'x' %}",
    "{% embed 'x' %}{% endembed %}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ self }}",
    "{{ self._TemplateReference__context }}",
    "{{ lipsum.__globals__ }}",
    "{{ range.__self__ }}",
    "{{ now.__globals__['os'] }}",
    "{{ '{0.__class__}'.format(x) }}",
    "{{ '{0}'.format_map(x) }}",
    "{{ x|format(1) }}",
    "{{ x['__class__'] }}",
    "{{ x._private }}",
    "{{ m.__class__ }}",
    "{{ x|map(attribute='__class__') }}",
    "{{ [1]|selectattr('__class__') }}",
    "{{ (x|upper).__class__ }}",
]


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_templates_raise_security_violation(engine, template):
    with pytest.raises(SecurityViolation) as info:
        engine.render(template, {"x": "abc", "m": {"a": 1}})
    assert "not allowed" in str(info.value)


@pytest.mark.parametrize("template", [t for t in HOSTILE if "{%" in t or "self" in t or "|attr" in t or "|format" in t])
def test_forbidden_constructs_fail_at_check_syntax(engine, template):
    with pytest.raises(SecurityViolation):
        engine.check_syntax(template)


def test_security_violation_is_an_expression_error_and_chains_jinja_errors():
    assert issubclass(SecurityViolation, ExpressionError)


@pytest.mark.parametrize("name", ["lipsum", "cycler", "joiner", "namespace", "dict"])
def test_jinja_default_globals_are_removed(engine, name):
    with pytest.raises(ExpressionError):
        engine.render("{{ " + name + "() }}", {})


def test_no_mutation_of_context_data(engine):
    data = {"l": [1], "m": {"a": 1}}
    for template in ("{{ l.append(2) }}", "{{ m.update({'b': 2}) }}", "{{ m.pop('a') }}", "{{ m.clear() }}"):
        with pytest.raises(ExpressionError):
            engine.render(template, data)
    assert data == {"l": [1], "m": {"a": 1}}


def test_resource_limits(engine):
    with pytest.raises(ExpressionError):
        engine.render("{{ 'a' * 100000000 }}", {})
    with pytest.raises(ExpressionError):
        engine.render("{{ [1] * 100000000 }}", {})
    with pytest.raises(ExpressionError):
        engine.render("{{ 2 ** 10000000 }}", {})
    assert engine.render("{{ 'ab' * 2 }} {{ 2 ** 10 }}", {}) == "abab 1024"


def test_files_are_never_opened(engine, monkeypatch):
    opened: list[str] = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    for template in HOSTILE + ["{{ read('/etc/passwd') }}", "{{ 'x' | date(timeZone='/etc/passwd') }}"]:
        with pytest.raises(ExpressionError):
            engine.render(template, {"x": "abc", "m": {}})
    assert not [path for path in opened if "passwd" in path]


def test_data_is_never_rendered_as_a_template(engine):
    payload = "{{ ''.__class__ }}{% include '/etc/passwd' %}"
    assert engine.render("{{ inputs.body }}", {"inputs": {"body": payload}}) == payload
    assert engine.render_value({"k": "{{ v }}"}, {"v": payload}) == {"k": payload}
