"""Store-backed template functions reach the outside world only through a `RenderServices` object.

The expression layer does no I/O. `secret()`, `kv()`, `read()`, `fileURI()`, `fileSize()` and `errorLogs()` call
the services object the caller passes to `render()`. It travels in a context variable, never in the template
context, so templates cannot reach it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any, Protocol

from choreo.errors import ChoreoError, ExpressionError

__all__ = ["RenderServices", "RenderState", "call_service", "current_state", "enter", "enter_nested", "leave"]

MAX_RENDER_DEPTH = 10


class RenderServices(Protocol):
    """What the engine's store-backed functions need. Every method is optional at run time."""

    def secret(self, key: str) -> str: ...

    def kv(self, key: str, namespace: str | None, error_on_missing: bool) -> Any: ...

    def read(self, path: str) -> str: ...  # namespace file path or kestra:// URI

    def file_uri(self, path: str) -> str: ...

    def file_size(self, uri: str) -> int: ...

    def error_logs(self) -> list[dict]: ...


@dataclass(frozen=True, slots=True)
class RenderState:
    """Per-render data the template functions need and templates must not see."""

    services: RenderServices | None
    depth: int


_NO_STATE = RenderState(None, 0)
_STATE: ContextVar[RenderState] = ContextVar("choreo_expr_render_state", default=_NO_STATE)  # noqa: B039 - frozen


def current_state() -> RenderState:
    return _STATE.get()


def enter(services: RenderServices | None) -> Token[RenderState]:
    """Install `services` for one top-level render; give the token back to `leave()`."""
    return _STATE.set(RenderState(services, _STATE.get().depth))


def enter_nested() -> Token[RenderState]:
    """One level deeper for the `render()` template function, same services; bounded depth."""
    outer = _STATE.get()
    if outer.depth >= MAX_RENDER_DEPTH:
        raise ExpressionError(f"render() nested more than {MAX_RENDER_DEPTH} levels deep")
    return _STATE.set(RenderState(outer.services, outer.depth + 1))


def leave(token: Token[RenderState]) -> None:
    _STATE.reset(token)


def call_service(function: str, method: str, *args: Any) -> Any:
    """Call `services.<method>(*args)` for template function `function`, or fail naming the function."""
    services = _STATE.get().services
    bound: Callable[..., Any] | None = getattr(services, method, None) if services is not None else None
    if bound is None:
        raise ExpressionError(f"function '{function}()' is not available here: no service provides '{method}'")
    try:
        return bound(*args)
    except ChoreoError:
        raise
    except Exception as exc:
        raise ExpressionError(f"function '{function}()' failed: {exc}") from exc
