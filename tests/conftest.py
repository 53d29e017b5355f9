"""Shared fixtures: the Choreo application object and the path of Kestra's compatibility corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus_support import compat_dir


@pytest.fixture(scope="session")
def choreo():
    from choreo.app import Choreo, Settings

    return Choreo(Settings())


@pytest.fixture(scope="session")
def corpus() -> Path:
    return compat_dir()
