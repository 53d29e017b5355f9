"""The public surface of `choreo.storage`, its error tree, and the layer rule (imports only `choreo.errors`)."""

from __future__ import annotations

import ast
from pathlib import Path

import choreo.storage
from choreo.errors import ChoreoError
from choreo.storage import FileNotFoundInStorage, InvalidPath, StorageError


def test_exported_members() -> None:
    assert choreo.storage.__all__ == sorted(choreo.storage.__all__)
    for name in choreo.storage.__all__:
        assert hasattr(choreo.storage, name), name


def test_error_tree() -> None:
    assert issubclass(StorageError, ChoreoError)
    assert issubclass(InvalidPath, StorageError)
    assert issubclass(FileNotFoundInStorage, StorageError)
    assert FileNotFoundInStorage("kestra:///x").uri == "kestra:///x"
    assert StorageError("x", errno=2).errno == 2


def test_storage_imports_nothing_from_choreo_but_errors() -> None:
    package = Path(choreo.storage.__file__).parent
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name == "choreo" or name.startswith("choreo."):
                    assert name == "choreo.errors", f"{module.name} imports {name}"
