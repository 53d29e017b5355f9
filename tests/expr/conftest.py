"""Fixtures for the expression engine tests: one shared engine and a `render(template, **variables)` shortcut."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from choreo.expr import ExpressionEngine


@pytest.fixture(scope="session")
def engine() -> ExpressionEngine:
    return ExpressionEngine()


@pytest.fixture(scope="session")
def render(engine: ExpressionEngine) -> Callable[..., str]:
    def _render(template: str, **variables: Any) -> str:
        return engine.render(template, variables)

    return _render


@pytest.fixture(scope="session")
def evaluate(engine: ExpressionEngine) -> Callable[..., Any]:
    def _evaluate(expression: str, **variables: Any) -> Any:
        return engine.evaluate(expression, variables)

    return _evaluate
