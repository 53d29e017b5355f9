"""Strict undefined values that remember the path that was missing.

Pebble runs with `strictVariables`: using a missing variable is an error. Here a missing name, key or attribute
yields a `PebbleUndefined` that *flows* through attribute access, filters and the `??` operators, and raises
`UndefinedVariable` only when it is actually used (printed, compared, iterated, tested). That is what lets
`{{ inputs.missing.deep ?? 'x' }}` short-circuit without an exception.
"""

from __future__ import annotations

from typing import Any, NoReturn

from jinja2 import StrictUndefined
from jinja2.utils import missing

from choreo.errors import UndefinedVariable

__all__ = ["PebbleUndefined", "UndefinedAccess", "format_path"]


def format_path(parts: tuple[Any, ...]) -> str:
    """`('inputs', 'a', 0, 'my-key')` → `inputs.a[0]['my-key']`."""
    out = ""
    for part in parts:
        if isinstance(part, str) and part.isidentifier():
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


class UndefinedAccess(UndefinedVariable):
    """Raised from inside a template; the engine rewrites it into the user-facing `UndefinedVariable`.

    `container` is the object in which the first missing name was looked up (absent for a missing top-level
    variable) and `parts` the names looked up from there, so the engine can find the full dotted path.
    """

    def __init__(self, container: Any, parts: tuple[Any, ...], hint: str | None) -> None:
        self.container = container
        self.parts = parts
        self.hint = hint
        super().__init__(hint or f"Unable to render expression: variable '{format_path(parts)}' is not defined")


class PebbleUndefined(StrictUndefined):
    """A missing value; any real use raises `UndefinedAccess` (an `UndefinedVariable`)."""

    __slots__ = ("_parts",)

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = missing,
        name: str | None = None,
        exc: type[Exception] = UndefinedVariable,
        parts: tuple[Any, ...] | None = None,
    ) -> None:
        super().__init__(hint, obj, name, exc)
        self._parts = parts if parts is not None else ((name,) if name is not None else ())

    def chain(self, name: Any) -> PebbleUndefined:
        """The undefined value of `self.<name>`: still undefined, one level deeper."""
        return PebbleUndefined(self._undefined_hint, self._undefined_obj, name, parts=(*self._parts, name))

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> NoReturn:
        container = None if self._undefined_obj is missing else self._undefined_obj
        raise UndefinedAccess(container, self._parts, self._undefined_hint)

    # StrictUndefined binds these names to the base method at class creation; rebind them to our override.
    __iter__ = __str__ = __len__ = __eq__ = __ne__ = __bool__ = __hash__ = __contains__ = _fail_with_undefined_error
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __div__ = __rdiv__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _fail_with_undefined_error
    __pos__ = __neg__ = __call__ = __getitem__ = __lt__ = __le__ = __gt__ = __ge__ = _fail_with_undefined_error
    __int__ = __float__ = __complex__ = __pow__ = __rpow__ = _fail_with_undefined_error

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        return self._fail_with_undefined_error()
