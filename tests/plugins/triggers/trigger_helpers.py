"""Helpers for the trigger tests: a registry of every type declared here; nested plugins resolved through it."""

from __future__ import annotations

from typing import Any

import yaml

from choreo.model.plugin import PluginModel, ValidationScope
from choreo.model.types import PluginKind, PluginSlot
from choreo.model.walk import field_plans
from choreo.plugins.core.catalog import CONDITIONS, TRIGGERS
from choreo.plugins.registry import PluginRegistry
from choreo.plugins.scripts.catalog import PLUGINS as SCRIPT_PLUGINS

REGISTRY = PluginRegistry([*TRIGGERS, *CONDITIONS, *SCRIPT_PLUGINS])


def build(data: dict[str, Any], kind: PluginKind = "trigger", registry: PluginRegistry = REGISTRY) -> PluginModel:
    """Validate a plugin from its YAML mapping, resolving the plugins it holds by `type`, as the loader does."""
    cls = registry.resolve(kind, data["type"])
    assert cls is not None, f"unknown {kind} type {data['type']}"
    values = dict(data)
    for plan in field_plans(cls):
        if not isinstance(plan.slot, PluginSlot) or values.get(plan.alias) is None:
            continue
        value, sub = values[plan.alias], plan.slot.kind
        if plan.slot.shape == "one":
            values[plan.alias] = build(value, sub, registry)
        elif plan.slot.shape == "list":
            values[plan.alias] = [build(item, sub, registry) for item in value]
        elif plan.slot.shape == "map":
            values[plan.alias] = {key: build(item, sub, registry) for key, item in value.items()}
    return cls.model_validate(values)


def trigger(text: str) -> PluginModel:
    """The trigger written as YAML (one mapping), with its conditions resolved."""
    return build(yaml.safe_load(text))


def problems(model: PluginModel, severity: str = "error") -> list[tuple[tuple[str | int, ...], str]]:
    return [(p.path, p.message) for p in model.problems(ValidationScope()) if p.severity == severity]
