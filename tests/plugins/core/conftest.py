"""Fixtures for the core task types: a registry of them, a flow loader, and `build` (YAML text to a task)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from choreo.model.loader import FlowLoader
from choreo.model.plugin import PluginModel
from choreo.model.types import PluginKind, PluginSlot, SlotShape
from choreo.model.walk import field_plans
from choreo.plugins.core.catalog import TASKS
from choreo.plugins.registry import PluginRegistry

#: Every installed type: examples may nest script tasks and task runners in core flowables.
REGISTRY = PluginRegistry.from_entry_points()


def _each(value: Any, shape: SlotShape, convert: Callable[[Any], Any]) -> Any:
    if shape == "one":
        return convert(value)
    if shape == "list":
        return [convert(item) for item in value]
    if shape == "map":
        return {key: convert(item) for key, item in value.items()}
    return {key: [convert(item) for item in items] for key, items in value.items()}


def _with_children(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """`data` with the plugins it holds (directly or in nested parts) replaced by validated instances."""
    out = dict(data)
    for plan in field_plans(cls):
        key = plan.alias if plan.alias in out else plan.name
        if plan.slot is None or out.get(key) is None:
            continue
        if isinstance(plan.slot, PluginSlot):
            kind = plan.slot.kind
            out[key] = _each(out[key], plan.slot.shape, lambda item, kind=kind: build_task(item, kind))
        else:
            nested = plan.slot.model
            out[key] = _each(out[key], plan.slot.shape, lambda item, nested=nested: _with_children(nested, item))
    return out


def build_task(data: dict[str, Any], kind: PluginKind = "task") -> PluginModel:
    """`model_validate` of the class named by `type`, its child plugins built the same way first."""
    cls = REGISTRY.resolve(kind, data["type"])
    assert cls is not None, f"unknown {kind} type {data['type']}"
    return cls.model_validate(_with_children(cls, data))


@pytest.fixture
def build() -> Callable[[str], PluginModel]:
    """YAML text of one task to its typed model."""
    return lambda text: build_task(yaml.safe_load(text))


@pytest.fixture
def build_data() -> Callable[[dict[str, Any]], PluginModel]:
    """The parsed YAML of one task to its typed model."""
    return build_task


@pytest.fixture(scope="session")
def loader() -> FlowLoader:
    return FlowLoader(PluginRegistry(TASKS))
