"""`choreo.store` sits above `choreo.model` and `choreo.errors` only."""

from __future__ import annotations

import ast
from pathlib import Path

import choreo.store

ALLOWED = ("choreo.errors", "choreo.model", "choreo.store")


def test_store_imports_only_model_and_errors() -> None:
    root = Path(choreo.store.__file__).parent
    offending = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("choreo") and not name.startswith(ALLOWED):
                    offending.append(f"{path.relative_to(root)}: {name}")
    assert offending == []


def test_public_surface() -> None:
    assert sorted(choreo.store.__all__) == choreo.store.__all__
    assert all(hasattr(choreo.store, name) for name in choreo.store.__all__)
