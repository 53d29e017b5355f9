"""Pebble syntax on Jinja's lexer and parser.

Added: the operators `??`, `???`, ternary `c ? a : b`, inclusive ranges `a..b`, `contains`, `equals`; the `null`
literal; `elseif`; the `{% verbatim %}` tag. Each is parsed into existing Jinja nodes (calls to `_runtime` helpers
through `nodes.ImportedName`, `CondExpr`, `Or`), so Jinja's code generator and sandbox stay in charge.
Refused while parsing: the tags that load other templates (a `SecurityViolation`), Jinja-only tags, the
`self` reference, unknown filters and tests.

Precedence follows Pebble where it matters in practice: `??` binds tighter than arithmetic and comparisons,
and filters apply to its result (`a ?? b | upper` is `(a ?? b) | upper`); the ternary is the loosest operator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.lexer import TOKEN_OPERATOR, Lexer, Token, _Rule, operators
from jinja2.parser import Parser

from choreo.errors import SecurityViolation

from .filters import FORBIDDEN_FILTERS

__all__ = ["FORBIDDEN_TAGS", "PebbleLexer", "PebbleParser", "is_simple_template"]

_RUNTIME = "choreo.expr._runtime."

TOKEN_NULL_COALESCE = "nullcoalesce"
TOKEN_UNDEFINED_COALESCE = "undefinedcoalesce"
TOKEN_QUESTION = "question"
TOKEN_RANGE = "range"
_PEBBLE_OPERATORS = {"???": TOKEN_UNDEFINED_COALESCE, "??": TOKEN_NULL_COALESCE, "?": TOKEN_QUESTION, "..": TOKEN_RANGE}
_ALL_OPERATORS = sorted([*operators, *_PEBBLE_OPERATORS], key=len, reverse=True)
_OPERATOR_RE = re.compile("|".join(re.escape(op) for op in _ALL_OPERATORS))

FORBIDDEN_TAGS = frozenset({"include", "import", "from", "extends", "embed"})
# Pebble tags Kestra removed, and Jinja tags Pebble never had.
_UNSUPPORTED_TAGS = frozenset({"autoescape", "flush", "parallel", "cache", "with", "print", "call", "do", "trans"})


class PebbleLexer(Lexer):
    """Jinja's lexer plus Pebble's operator tokens and `{% verbatim %}` as a spelling of `{% raw %}`."""

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        for state, rules in self.rules.items():
            patched = []
            for rule in rules:
                if rule.tokens == TOKEN_OPERATOR:
                    rule = _Rule(_OPERATOR_RE, TOKEN_OPERATOR, None)
                elif state in ("root", "raw_begin") and "raw" in rule.pattern.pattern:
                    source = rule.pattern.pattern.replace(r"\s*raw\s*", r"\s*(?:raw|verbatim)\s*")
                    source = source.replace(r"\s*endraw\s*", r"\s*(?:endraw|endverbatim)\s*")
                    rule = _Rule(re.compile(source, rule.pattern.flags), rule.tokens, rule.command)
                patched.append(rule)
            self.rules[state] = patched

    def wrap(
        self, stream: Iterable[tuple[int, str, str]], name: str | None = None, filename: str | None = None
    ) -> Iterator[Token]:
        # Jinja's wrap() passes unknown token types through, so retyping Pebble operators first is enough.
        return super().wrap(_retype_operators(stream), name, filename)


def _retype_operators(stream: Iterable[tuple[int, str, str]]) -> Iterator[tuple[int, str, str]]:
    for lineno, token, value in stream:
        if token == TOKEN_OPERATOR and value in _PEBBLE_OPERATORS:
            yield lineno, _PEBBLE_OPERATORS[value], value
        else:
            yield lineno, token, value


# Fast path for check_syntax: text with only `{{ path | filter }}` expressions cannot have a syntax error.
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_PATH = rf"{_NAME}(?:\s*\.\s*{_NAME}|\s*\[\s*(?:\d+|'[^'\\{{}}]*'|\"[^\"\\{{}}]*\")\s*\])*"
_TEXT = r"(?:[^{]|\{(?![{%#]))*"
_SIMPLE_TEMPLATE = re.compile(rf"{_TEXT}(?:\{{\{{-?\s*{_PATH}(?:\s*\|\s*{_NAME})*\s*-?\}}\}}{_TEXT})*", re.S)
_SIMPLE_NAMES = re.compile(rf"(?<![.'\"\w]){_NAME}")
_KEYWORDS = frozenset({"not", "and", "or", "in", "is", "if", "else", "self", "contains", "equals", "null"})


def is_simple_template(template: str, filters: Any) -> bool:
    """True when `template` only prints variable paths through known filters: then it surely parses."""
    if "__" in template or _SIMPLE_TEMPLATE.fullmatch(template) is None:
        return False
    for block in re.findall(r"\{\{(.*?)\}\}", template, re.S):
        head, *piped = block.strip("- \t\r\n").split("|")
        words = _SIMPLE_NAMES.findall(head)
        if words and words[0] in _KEYWORDS:
            return False
        for name in piped:
            name = name.strip()
            if name not in filters or name in FORBIDDEN_FILTERS:
                return False
    return True


def _call(helper: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    return nodes.Call(nodes.ImportedName(_RUNTIME + helper), args, [], None, None, lineno=lineno)


class PebbleParser(Parser):
    """Jinja's parser extended with Pebble's operators and tags (see the module docstring)."""

    def parse_statement(self) -> nodes.Node | list[nodes.Node]:
        token = self.stream.current
        if token.type == "name":
            if token.value in FORBIDDEN_TAGS:
                raise SecurityViolation(f"tag '{token.value}' is not allowed in expressions", line=token.lineno)
            if token.value in _UNSUPPORTED_TAGS:
                self.fail(f"unknown tag '{token.value}'", token.lineno)
        return super().parse_statement()

    def parse_if(self) -> nodes.If:
        """`if` / `elseif` (Pebble) or `elif` (Jinja) / `else` / `endif`."""
        node = result = nodes.If(lineno=self.stream.expect("name:if").lineno)
        while True:
            node.test = self.parse_tuple(with_condexpr=False)
            node.body = self.parse_statements(("name:elif", "name:elseif", "name:else", "name:endif"))
            node.elif_ = []
            node.else_ = []
            token = next(self.stream)
            if token.test_any("name:elif", "name:elseif"):
                node = nodes.If(lineno=self.stream.current.lineno)
                result.elif_.append(node)
                continue
            if token.test("name:else"):
                result.else_ = self.parse_statements(("name:endif",), drop_needle=True)
            break
        return result

    def parse_for(self) -> nodes.For:
        """Maps iterate as entries (`entry.key`, `entry.value`, or `k, v`); null iterates as empty."""
        node = super().parse_for()
        node.iter = _call("loop_items", [node.iter], node.lineno)
        return node

    def parse_or(self) -> nodes.Expr:
        """Pebble's ternary `cond ? a : b`, right-associative and looser than `or`."""
        node = super().parse_or()
        if self.stream.current.type == TOKEN_QUESTION:
            lineno = next(self.stream).lineno
            when_true = self.parse_or()
            self.stream.expect("colon")
            when_false = self.parse_or()
            return nodes.CondExpr(node, when_true, when_false, lineno=lineno)
        return node

    def parse_not(self) -> nodes.Expr:
        """`not` as in Jinja, and Pebble's `contains`, which binds looser than comparisons."""
        if self.stream.current.test("name:not"):
            lineno = next(self.stream).lineno
            return nodes.Not(self.parse_not(), lineno=lineno)
        node = self.parse_compare()
        while self.stream.current.test("name:contains"):
            lineno = next(self.stream).lineno
            node = _call("contains", [node, self.parse_compare()], lineno)
        return node

    def parse_compare(self) -> nodes.Expr:
        """Jinja's comparisons plus Pebble's `equals` spelling of `==`."""
        lineno = self.stream.current.lineno
        expr = self.parse_math1()
        ops = []
        while True:
            token = self.stream.current
            if token.type in ("eq", "ne", "lt", "lteq", "gt", "gteq"):
                next(self.stream)
                ops.append(nodes.Operand(token.type, self.parse_math1()))
            elif token.test("name:equals"):
                next(self.stream)
                ops.append(nodes.Operand("eq", self.parse_math1()))
            elif self.stream.skip_if("name:in"):
                ops.append(nodes.Operand("in", self.parse_math1()))
            elif token.test("name:not") and self.stream.look().test("name:in"):
                self.stream.skip(2)
                ops.append(nodes.Operand("notin", self.parse_math1()))
            else:
                break
            lineno = self.stream.current.lineno
        return nodes.Compare(expr, ops, lineno=lineno) if ops else expr

    def parse_concat(self) -> nodes.Expr:
        """`~` prints each side the Pebble way (`true`, `2.0`, JSON for maps)."""
        lineno = self.stream.current.lineno
        args = [self.parse_math2()]
        while self.stream.current.type == "tilde":
            next(self.stream)
            args.append(self.parse_math2())
        return args[0] if len(args) == 1 else _call("concat", args, lineno)

    def parse_unary(self, with_filter: bool = True) -> nodes.Expr:
        """Operands, then any mix of `??`, `???`, `..`, filters and tests, left to right."""
        node = super().parse_unary(with_filter=False)
        while True:
            token = self.stream.current
            if token.type in (TOKEN_NULL_COALESCE, TOKEN_UNDEFINED_COALESCE):
                next(self.stream)
                fallback = super().parse_unary(with_filter=False)
                helper = "if_present" if token.type == TOKEN_NULL_COALESCE else "if_defined"
                # (helper(a) or (b,))[0]: `a` is evaluated once, `b` only when needed.
                picked = nodes.Or(_call(helper, [node], token.lineno), nodes.Tuple([fallback], "load"))
                node = nodes.Getitem(picked, nodes.Const(0), "load", lineno=token.lineno)
            elif token.type == TOKEN_RANGE:
                next(self.stream)
                node = _call("inclusive_range", [node, super().parse_unary(with_filter=False)], token.lineno)
            elif with_filter and (token.type in ("pipe", "lparen") or token.test("name:is")):
                node = self.parse_filter_expr(node)
            else:
                return node

    def parse_primary(self, with_namespace: bool = False) -> nodes.Expr:
        token = self.stream.current
        if token.type == "name":
            if token.value == "null":
                next(self.stream)
                return nodes.Const(None, lineno=token.lineno)
            if token.value == "self":
                raise SecurityViolation("'self' is not allowed in expressions", line=token.lineno)
        return super().parse_primary(with_namespace)

    def parse_subscript(self, node: nodes.Expr) -> nodes.Getattr | nodes.Getitem:
        result = super().parse_subscript(node)
        if isinstance(result, nodes.Getattr) and result.attr.startswith("__"):
            raise SecurityViolation(f"access to attribute '{result.attr}' is not allowed", line=result.lineno)
        return result

    def parse_filter(self, node: nodes.Expr | None, start_inline: bool = False) -> nodes.Expr | None:
        result = super().parse_filter(node, start_inline)
        current = result
        while isinstance(current, nodes.Filter) and current is not node:
            self._check_name("filter", current.name, self.environment.filters, current.lineno)
            current = current.node
        return result

    def parse_test(self, node: nodes.Expr) -> nodes.Expr:
        result = super().parse_test(node)
        test = result.node if isinstance(result, nodes.Not) else result
        if isinstance(test, nodes.Test):
            self._check_name("test", test.name, self.environment.tests, test.lineno)
        return result

    def _check_name(self, kind: str, name: str, known: Any, lineno: int) -> None:
        if kind == "filter" and name in FORBIDDEN_FILTERS:
            raise SecurityViolation(f"filter '{name}' is not allowed in expressions", line=lineno)
        if name not in known:
            self.fail(f"unknown {kind} '{name}'", lineno)
