"""Kestra's test flows: every task type they use is declared, and every task they hold validates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from choreo.model.types import PluginSlot
from choreo.model.walk import field_plans, slot_items
from choreo.plugins.core.catalog import TASKS
from choreo.plugins.registry import PluginRegistry
from corpus_support import compat_dir

FLOWS = sorted((compat_dir() / "flows").glob("*.y*ml"))
#: Types that the invalid flows use on purpose and that must stay unknown.
MISSING_ON_PURPOSE = {f"io.kestra.plugin.core.debug.Missing{n}" for n in ("One", "Two", "Three")}
REGISTRY = PluginRegistry(TASKS)
#: Where a flow holds tasks; anything else (triggers, inputs, labels…) is another type's business.
TASK_ROOTS = ("tasks", "errors", "finally", "afterExecution", "listeners")


def _tasks_in(cls: type, data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The raw child tasks of `data` (a task or a nested part of class `cls`), at any depth."""
    for plan in field_plans(cls):
        value = data.get(plan.alias)
        if plan.slot is None or value is None:
            continue
        for _, item in slot_items(value, plan.slot.shape):
            if not isinstance(item, dict):
                continue
            if isinstance(plan.slot, PluginSlot):
                if plan.slot.kind == "task":
                    yield from _task_tree(item)
            else:
                yield from _tasks_in(plan.slot.model, item)


def _task_tree(task: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield task
    cls = REGISTRY.resolve("task", str(task.get("type")))
    if cls is not None:
        yield from _tasks_in(cls, task)


def corpus_tasks(path: Path) -> Iterator[dict[str, Any]]:
    flow = yaml.safe_load(path.read_text(encoding="utf-8"))
    roots = [flow.get(key) or [] for key in ("tasks", "errors", "finally", "afterExecution")]
    roots += [listener.get("tasks") or [] for listener in flow.get("listeners") or []]
    for root in roots:
        for task in root:
            yield from _task_tree(task)


def test_every_task_type_of_the_corpus_is_declared():
    used = {str(task.get("type")) for path in FLOWS for task in corpus_tasks(path)}
    assert len(used) > 30
    assert sorted(t for t in used if REGISTRY.resolve("task", t) is None) == []


def test_the_deliberately_missing_types_stay_unknown():
    invalid_task = compat_dir() / "flows" / "invalids" / "invalid-task.yaml"
    assert {str(task["type"]) for task in corpus_tasks(invalid_task)} == MISSING_ON_PURPOSE
    assert all(REGISTRY.resolve("task", name) is None for name in MISSING_ON_PURPOSE)


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.name)
def test_the_tasks_of_every_runnable_flow_validate(loader, path):
    result = loader.validate(path.read_text(encoding="utf-8"), path.name)
    task_errors = [v for v in result.errors if v.path.startswith(TASK_ROOTS)]
    assert task_errors == [], "\n".join(map(str, task_errors))
