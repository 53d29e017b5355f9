"""Where Kestra's compatibility corpus is, and how to read it (a helper module for the tests)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]


def compat_dir() -> Path:
    """../shared/kestra-compat beside the repository (CHOREO_COMPAT_DIR overrides). Missing is an error, not a skip."""
    override = os.environ.get("CHOREO_COMPAT_DIR")
    path = Path(override) if override else REPO.parent / "shared" / "kestra-compat"
    if not (path / "expectations.yaml").is_file():
        raise RuntimeError(f"Kestra's compatibility corpus is missing: expected {path}/expectations.yaml")
    return path


@cache
def expectations() -> list[dict[str, Any]]:
    return yaml.safe_load((compat_dir() / "expectations.yaml").read_text(encoding="utf-8"))


def expectation(file: str) -> dict[str, Any]:
    return next(e for e in expectations() if e["file"] == file)
