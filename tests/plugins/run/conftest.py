"""Fixtures for running tasks: `ctx` (a FakeRunContext in the test's tmp dir), `load` (YAML text to a task of a
given class, its `taskRunner` resolved through the registry) and `run` (a task's `run()` to completion)."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from choreo.model.task import Task
from choreo.plugins.registry import PluginRegistry
from choreo.testing import FakeRunContext

REGISTRY = PluginRegistry.from_entry_points()


def load_task(cls: type[Task], text: str) -> Any:
    data = yaml.safe_load(textwrap.dedent(text))
    assert data["type"] in (cls.type_name, *cls.aliases), data["type"]
    runner = data.get("taskRunner")
    if isinstance(runner, dict):
        runner_class = REGISTRY.resolve("runner", runner["type"])
        assert runner_class is not None, runner["type"]
        data["taskRunner"] = runner_class.model_validate(runner)
    return cls.model_validate(data)


@pytest.fixture
def ctx(tmp_path) -> FakeRunContext:
    return FakeRunContext(work_root=tmp_path)


@pytest.fixture
def load() -> Callable[[type[Task], str], Any]:
    return load_task


@pytest.fixture
def run() -> Callable[[Any, FakeRunContext], Any]:
    return lambda task, ctx: asyncio.run(task.run(ctx))
