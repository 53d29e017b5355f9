"""`ExpressionEngine`: parse, cache and render Pebble templates; every failure leaves as an `ExpressionError`.

Compiled templates and syntax-check results are cached by source text (LRU), so rendering a template again
costs only its execution. Text without `{{`, `{%` or `{#` is returned as is without touching Jinja.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from types import TracebackType
from typing import Any, NoReturn

from jinja2 import Template, nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.runtime import Context, Undefined

from choreo.errors import ChoreoError, ExpressionError, SecurityViolation, UndefinedVariable

from ._pebble_syntax import is_simple_template
from .environment import PebbleEnvironment
from .services import RenderServices, enter, enter_nested, leave
from .undefined import UndefinedAccess, format_path

__all__ = ["ExpressionEngine"]

_SyntaxProblem = tuple[type[ExpressionError], str, int | None]
_SEARCH_LIMIT = 20_000  # containers visited when looking for the path of a missing variable


def has_markup(text: str) -> bool:
    """Whether `text` contains template syntax at all (otherwise it is returned unchanged)."""
    return "{{" in text or "{%" in text or "{#" in text


def _single_expression(template: nodes.Template) -> nodes.Expr | None:
    """The expression of a template that is just `{{ expr }}` (whitespace around allowed), else None."""
    if len(template.body) != 1 or not isinstance(template.body[0], nodes.Output):
        return None
    parts = [n for n in template.body[0].nodes if not (isinstance(n, nodes.TemplateData) and not n.data.strip())]
    if len(parts) == 1 and not isinstance(parts[0], nodes.TemplateData):
        return parts[0]
    return None


def _find_path(variables: Mapping[str, Any], target: Any) -> tuple[Any, ...] | None:
    """Where `target` sits inside `variables` (compared by identity), breadth first and bounded."""
    queue: list[tuple[tuple[Any, ...], Any]] = [((key,), value) for key, value in variables.items()]
    seen: set[int] = set()
    for path, value in queue:
        if value is target:
            return path
        if len(seen) > _SEARCH_LIMIT or id(value) in seen:
            continue
        if isinstance(value, Mapping):
            seen.add(id(value))
            queue.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            seen.add(id(value))
            queue.extend(((*path, i), v) for i, v in enumerate(value))
    return None


def _template_line(tb: TracebackType | None, compiled: Template | None) -> int | None:
    """The template line of the innermost compiled-template frame in a traceback."""
    line = None
    while tb is not None:
        if compiled is not None and tb.tb_frame.f_code.co_filename == "<template>":
            line = compiled.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return line


class ExpressionEngine:
    """Pebble-compatible rendering (Kestra's configuration) on Jinja's immutable sandbox."""

    def __init__(self, *, cache_size: int = 2048) -> None:
        self._env = PebbleEnvironment(self._render_nested)
        self._globals = dict(self._env.globals)
        self._syntax: Callable[[str], _SyntaxProblem | None] = lru_cache(maxsize=cache_size)(self._check)
        self._template: Callable[[str], Template] = lru_cache(maxsize=cache_size)(self._compile)
        self._expression: Callable[[str], tuple[bool, Template]] = lru_cache(maxsize=cache_size)(
            self._compile_expression
        )

    # --- public API ------------------------------------------------------------------------------------------

    def check_syntax(self, template: str) -> None:
        """Parse only; raise `ExpressionError` (with `.line`) or `SecurityViolation` for a forbidden tag."""
        if not has_markup(template):
            return
        problem = self._syntax(template)
        if problem is not None:
            kind, message, line = problem
            raise kind(message, template=template, line=line)

    def render(self, template: str, variables: Mapping[str, Any], services: RenderServices | None = None) -> str:
        """Render `template` to text. Values from `variables` are printed, never rendered again."""
        if not isinstance(template, str):
            raise TypeError(f"render() expects a template string, got {type(template).__name__}")
        if not has_markup(template):
            return template
        token = enter(services)
        try:
            return self._render(template, variables)
        finally:
            leave(token)

    def render_value(self, value: Any, variables: Mapping[str, Any], services: RenderServices | None = None) -> Any:
        """Render every string inside `value` (dict keys too); other values are returned as they are."""
        token = enter(services)
        try:
            return self._render_value(value, variables)
        finally:
            leave(token)

    def evaluate(self, expression: str, variables: Mapping[str, Any], services: RenderServices | None = None) -> Any:
        """The native value of an expression: `inputs.n > 3`, or a template that is just `{{ inputs.n > 3 }}`.

        Any other template (text around the expression, several expressions, tags) renders to a string.
        """
        is_value, compiled = self._expression(expression)
        token = enter(services)
        try:
            if not is_value:
                return self._run(compiled, expression, variables)
            context = self._context(compiled, variables)
            try:
                for _ in compiled.root_render_func(context):
                    pass
                value = context.vars["result"]
                if isinstance(value, Undefined):
                    value._fail_with_undefined_error()
            except Exception as exc:
                self._raise(exc, expression, variables, compiled)
            return value
        finally:
            leave(token)

    # --- rendering -----------------------------------------------------------------------------------------

    def _render(self, template: str, variables: Mapping[str, Any]) -> str:
        return self._run(self._template(template), template, variables)

    def _render_value(self, value: Any, variables: Mapping[str, Any]) -> Any:
        if isinstance(value, str):
            return self._render(value, variables) if has_markup(value) else value
        if isinstance(value, Mapping):
            return {self._render_value(k, variables): self._render_value(v, variables) for k, v in value.items()}
        if isinstance(value, list):
            return [self._render_value(v, variables) for v in value]
        if isinstance(value, tuple):
            return tuple(self._render_value(v, variables) for v in value)
        return value

    def _render_nested(self, template: str, variables: Mapping[str, Any]) -> str:
        """The `render()` template function: same services, one level deeper."""
        if not has_markup(template):
            return template
        token = enter_nested()
        try:
            return self._render(template, variables)
        finally:
            leave(token)

    def _run(self, compiled: Template, source: str, variables: Mapping[str, Any]) -> str:
        try:
            return "".join(compiled.root_render_func(self._context(compiled, variables)))
        except Exception as exc:
            self._raise(exc, source, variables, compiled)

    def _context(self, compiled: Template, variables: Mapping[str, Any]) -> Context:
        """A render context: our functions overlaid by the variables (cheaper than `Template.new_context`)."""
        return Context(self._env, {**self._globals, **variables}, compiled.name, compiled.blocks)

    # --- compilation ---------------------------------------------------------------------------------------

    def _check(self, template: str) -> _SyntaxProblem | None:
        if is_simple_template(template, self._env.filters):
            return None
        try:
            self._env._parse(template, None, None)
        except Exception as exc:
            error = self._translate(exc, template, {}, None)
            return type(error), str(error), error.line
        return None

    def _compile(self, template: str) -> Template:
        try:
            return self._env.from_string(template)
        except Exception as exc:
            self._raise(exc, template, {}, None)

    def _compile_expression(self, source: str) -> tuple[bool, Template]:
        """(True, template storing the value in `result`) or (False, ordinary template) for mixed text."""
        try:
            if has_markup(source):
                expr = _single_expression(self._env._parse(source, None, None))
                if expr is None:
                    return False, self._template(source)
            else:
                expr = self._env.parse_expression(source)
            body = nodes.Template([nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)], lineno=1)
            body.set_environment(self._env)
            return True, self._env.from_string(body)
        except ExpressionError:
            raise
        except Exception as exc:
            self._raise(exc, source, {}, None)

    # --- errors ----------------------------------------------------------------------------------------------

    def _raise(self, exc: Exception, source: str, variables: Mapping[str, Any], compiled: Template | None) -> NoReturn:
        error = self._translate(exc, source, variables, compiled)
        if error is exc:
            raise error
        raise error from exc

    def _translate(
        self, exc: Exception, source: str, variables: Mapping[str, Any], compiled: Template | None
    ) -> ChoreoError:
        """Map any failure to the most specific Choreo error, with the template line when known."""
        line = _template_line(exc.__traceback__, compiled)
        if isinstance(exc, UndefinedAccess):
            if exc.hint:
                return UndefinedVariable(f"Unable to render expression: {exc.hint}", template=source, line=line)
            prefix = _find_path(variables, exc.container) if isinstance(exc.container, (Mapping, list, tuple)) else ()
            path = format_path((*(prefix or ()), *exc.parts))
            message = f"Unable to render expression: variable '{path}' is not defined"
            return UndefinedVariable(message, template=source, line=line)
        if isinstance(exc, ExpressionError):
            if exc.line is None:
                exc.line = line
            if exc.template is None:
                exc.template = source
            return exc
        if isinstance(exc, ChoreoError):
            return exc
        if isinstance(exc, SecurityError):
            return SecurityViolation(f"Unable to render expression: {exc}", template=source, line=line)
        if isinstance(exc, TemplateSyntaxError):
            where = f" at line {exc.lineno}" if exc.lineno else ""
            return ExpressionError(f"Invalid expression{where}: {exc.message}", template=source, line=exc.lineno)
        if isinstance(exc, RecursionError):
            return ExpressionError("Unable to render expression: nested too deeply", template=source, line=line)
        return ExpressionError(f"Unable to render expression: {exc}", template=source, line=line)
