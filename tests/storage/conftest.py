"""A storage root beside an `outside` directory holding a secret, so escapes are visible."""

from __future__ import annotations

from pathlib import Path

import pytest

from choreo.storage import LocalStorage

SECRET = b"top secret, outside the storage root"


@pytest.fixture
def secret() -> bytes:
    return SECRET


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "root")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "secret.txt").write_bytes(SECRET)
    return directory
