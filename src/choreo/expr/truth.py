"""How a rendered condition reads as a boolean (If, runIf, LoopUntil, Assert…), as Kestra's TruthUtils."""

from __future__ import annotations

from typing import Any

_FALSY = frozenset({"", "false", "0", "-0", "null", "none"})


def truthy(value: Any) -> bool:
    """false, 0, "", "false", "0", "-0" and null are false; everything else is true."""
    if value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() not in _FALSY
    return bool(value)
