"""The Jinja environment configured as Kestra configures Pebble, inside Jinja's immutable sandbox.

Settings: strict undefined, no autoescape, trailing newlines kept, Pebble printing (`finalize`), Kestra's
functions/filters/tests only (Jinja's defaults such as `lipsum`, `cycler`, `namespace` are removed).
Attribute rules: `a.b` on a map reads key `b`, never a dict method; private (`_x`) attributes of objects and any
dunder name are refused with `SecurityViolation`, as are `str.format` and oversized `*`/`**` results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import nodes
from jinja2.lexer import Lexer
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from choreo.errors import ExpressionError, SecurityViolation

from ._pebble_syntax import PebbleLexer, PebbleParser
from .filters import FILTERS, TESTS
from .functions import FUNCTIONS
from .printing import to_text
from .undefined import PebbleUndefined

__all__ = ["PebbleEnvironment"]

MAX_SEQUENCE = 10_000_000  # longest string or list `*` may build
MAX_POWER_BITS = 100_000  # largest integer `**` may build
_FORMAT_METHODS = frozenset({"format", "format_map"})


class PebbleEnvironment(ImmutableSandboxedEnvironment):
    """Sandboxed, strict, Pebble-flavoured Jinja environment; one per `ExpressionEngine`."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, render_nested: Callable[[str, Mapping[str, Any]], str]) -> None:
        super().__init__(
            undefined=PebbleUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            finalize=to_text,
            auto_reload=False,
            cache_size=0,
        )
        self.globals.clear()
        self.globals.update(FUNCTIONS)
        self.filters.clear()
        self.filters.update(FILTERS)
        self.tests.clear()
        self.tests.update(TESTS)
        self.render_nested = render_nested
        self._pebble_lexer = PebbleLexer(self)

    @property
    def lexer(self) -> Lexer:  # type: ignore[override]
        return self._pebble_lexer

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return PebbleParser(self, source, name, filename).parse()

    def parse_expression(self, source: str) -> nodes.Expr:
        """Parse a bare expression (no `{{ }}`), for `ExpressionEngine.evaluate`."""
        parser = PebbleParser(self, source, state="variable")
        expr = parser.parse_expression()
        if not parser.stream.eos:
            parser.fail(f"unexpected {parser.stream.current.value!r} after the expression")
        return expr

    # --- attribute and item access -------------------------------------------------------------------------

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`a.b`: a map key for maps (keys named like dict methods included), a safe attribute otherwise."""
        if attribute[:2] == "__":
            raise SecurityViolation(f"access to attribute '{attribute}' is not allowed")
        if type(obj) is dict or isinstance(obj, Mapping):
            try:
                return obj[attribute]
            except (KeyError, TypeError):
                return self.undefined(obj=obj, name=attribute)
        return self._object_attribute(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """`a[k]`: map key, list index (out of range is undefined), else the attribute rules of `getattr`."""
        kind = type(obj)
        if kind is tuple or kind is list:
            try:
                return obj[argument]
            except (IndexError, TypeError):
                pass
            if not isinstance(argument, str):
                return self.undefined(obj=obj, name=argument)
        if isinstance(obj, Mapping):
            try:
                return obj[argument]
            except (KeyError, TypeError):
                return self.undefined(obj=obj, name=argument)
        if isinstance(argument, str):
            if argument[:2] == "__":
                raise SecurityViolation(f"access to attribute '{argument}' is not allowed")
            return self._object_attribute(obj, argument)
        if isinstance(obj, Undefined):
            return obj.chain(argument)  # type: ignore[attr-defined]
        try:
            return obj[argument]
        except (TypeError, LookupError):
            return self.undefined(obj=obj, name=argument)

    def _object_attribute(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Undefined):
            return obj.chain(attribute)  # type: ignore[attr-defined]
        if obj is None:
            return self.undefined(obj=obj, name=attribute)
        if attribute.startswith("_"):
            raise SecurityViolation(f"access to attribute '{attribute}' of a {type(obj).__name__} is not allowed")
        if isinstance(obj, str) and attribute in _FORMAT_METHODS:
            raise SecurityViolation(f"str.{attribute}() is not allowed in expressions")
        if type(obj) is list or type(obj) is tuple:  # no list methods; MapEntry (a tuple) keeps .key/.value
            return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        raise SecurityViolation(f"access to attribute '{attribute}' of a {type(obj).__name__} is not allowed")

    # --- operators --------------------------------------------------------------------------------------------

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """`*` and `**` with a cap on the size of what they build (a template must not exhaust memory)."""
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_SEQUENCE:
                    raise ExpressionError(f"'*' would build a value longer than {MAX_SEQUENCE}")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            if right * math.log2(abs(left)) > MAX_POWER_BITS:
                raise ExpressionError("'**' result is too large")
        return super().call_binop(context, operator, left, right)
