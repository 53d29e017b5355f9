"""The public API: render, render_value, evaluate, check_syntax, caching and the no-markup fast path."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import choreo.expr
from choreo.errors import ExpressionError
from choreo.expr import ExpressionEngine, RenderServices


def test_public_surface():
    assert sorted(choreo.expr.__all__) == ["ExpressionEngine", "RenderServices"]
    assert RenderServices is choreo.expr.services.RenderServices


def test_text_without_markup_is_returned_without_jinja(monkeypatch):
    engine = ExpressionEngine()
    monkeypatch.setattr(engine._env, "from_string", lambda *a, **k: pytest.fail("Jinja was used"))
    monkeypatch.setattr(engine._env, "_parse", lambda *a, **k: pytest.fail("Jinja was used"))
    text = "plain { text } with } braces"
    assert engine.render(text, {}) is text
    engine.check_syntax(text)
    assert engine.render_value({"a": [text, 1]}, {}) == {"a": [text, 1]}


def test_compiled_templates_are_cached():
    engine = ExpressionEngine(cache_size=2)
    engine.render("{{ a }}", {"a": 1})
    engine.render("{{ a }}", {"a": 2})
    info = engine._template.cache_info()  # type: ignore[attr-defined]
    assert info.hits == 1 and info.misses == 1


def test_render_value_renders_nested_strings_and_keys(engine):
    value = {"{{ k }}": ["{{ v }}", 3, None, {"x": ("{{ v | upper }}",)}], "plain": True}
    assert engine.render_value(value, {"k": "key", "v": "val"}) == {
        "key": ["val", 3, None, {"x": ("VAL",)}],
        "plain": True,
    }
    assert engine.render_value(5, {}) == 5


def test_evaluate_returns_native_values(evaluate):
    inputs = {"n": 5, "m": {"a": [1, 2]}}
    assert evaluate("inputs.n > 3", inputs=inputs) is True
    assert evaluate("{{ inputs.n > 3 }}", inputs=inputs) is True
    assert evaluate("  {{ inputs.m }}\n", inputs=inputs) == {"a": [1, 2]}
    assert evaluate("{{ inputs.m.a }}", inputs=inputs) == [1, 2]
    assert evaluate("inputs.missing ?? null", inputs=inputs) is None
    assert evaluate("{{ 1..3 }}") == [1, 2, 3]
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    assert evaluate("d", d=moment) is moment


def test_evaluate_mixed_templates_render_to_text(evaluate):
    assert evaluate("n={{ n }}", n=1) == "n=1"
    assert evaluate("{{ a }}{{ b }}", a=1, b=2) == "12"
    assert evaluate("{% if true %}yes{% endif %}") == "yes"


def test_evaluate_errors(evaluate):
    with pytest.raises(ExpressionError):
        evaluate("1 +")
    with pytest.raises(ExpressionError):
        evaluate("a b")
    with pytest.raises(ExpressionError):
        evaluate("1 / 0")


def test_variables_mapping_is_not_modified(engine):
    variables = {"a": 1}
    engine.render("{% set a = 2 %}{{ a }}", variables)
    assert variables == {"a": 1}


def test_engines_are_independent_and_reentrant(engine):
    other = ExpressionEngine()
    assert other.render("{{ render('{{ x }}') }}", {"x": 1}) == engine.render("{{ x }}", {"x": 1}) == "1"
