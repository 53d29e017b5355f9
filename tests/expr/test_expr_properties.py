"""Property tests: values print verbatim, the parser fails only with ExpressionError, injections stay contained."""

from __future__ import annotations

import builtins
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from choreo.errors import ExpressionError
from choreo.expr._pebble_syntax import is_simple_template

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "{{", "}}", "{%", "%}", "{#", "#}", "-}}", "{{-", " ", "x", "inputs", ".", "__class__", "__mro__", "__globals__",
    "__init__", "__subclasses__", "()", "(", ")", "[", "]", "[1]", "'", '"', "|", "attr", "format", "'format'",
    "include", "import", "from", "extends", "embed", "'/etc/passwd'", "self", "cycler", "lipsum", "range",
    "__self__", "??", "???", "?", ":", "..", "~", "contains", "equals", "is", "not", "null", "defined", "if",
    "elseif", "endif", "for", "in", "endfor", "set", "=", "render", "read", "{0.__class__}", ".format(x)",
    "joiner", "namespace", "dict", "*", "**", "9", "+", "jq('env')", "now()", "|upper", "verbatim", "endverbatim",
    ",", "\n", "\\", "macro", "endmacro", "block", "endblock",
]  # fmt: skip

TEMPLATEISH = st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join)
CHARS = st.text(alphabet="{}%#|?:.()[]'\"~-=!<>* \nabcxyz0123_", max_size=30)


@contextmanager
def no_file_access() -> Iterator[list[str]]:
    """Record every attempt to open a file while the block runs (and refuse it)."""
    attempts: list[str] = []

    def refuse(file, *args, **kwargs):  # noqa: ANN001
        attempts.append(str(file))
        raise PermissionError(f"test forbids opening {file}")

    saved = builtins.open, io.open, os.open
    builtins.open = io.open = os.open = refuse  # type: ignore[assignment]
    try:
        yield attempts
    finally:
        builtins.open, io.open, os.open = saved


@FAST
@given(value=st.text())
def test_any_text_value_prints_verbatim(engine, value):
    assert engine.render("{{ x }}", {"x": value}) == value
    assert engine.render("<{{ inputs.body }}>", {"inputs": {"body": value}}) == f"<{value}>"


@FAST
@given(value=st.recursive(st.none() | st.booleans() | st.integers() | st.text(), lambda c: st.lists(c, max_size=3)))
def test_values_inside_lists_are_not_rendered(engine, value):
    assert engine.evaluate("x", {"x": value}) == value


@FAST
@given(template=TEMPLATEISH | CHARS)
def test_check_syntax_fails_only_with_expression_errors(engine, template):
    try:
        engine.check_syntax(template)
    except ExpressionError as exc:
        assert exc.line is None or exc.line >= 1
    else:
        if is_simple_template(template, engine._env.filters):
            engine._env._parse(template, None, None)  # the fast path never accepts what the parser rejects


@FAST
@given(template=TEMPLATEISH)
def test_injection_attempts_stay_contained(engine, template):
    with no_file_access() as attempts:
        try:
            engine.render(template, {"x": "abc", "inputs": {"a": 1}})
        except ExpressionError:
            pass
    assert attempts == []
