"""Every trigger and condition of Kestra's runnable corpus flows resolves and validates without error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from choreo.model.loader import FlowLoader
from choreo.plugins.core.log.log import Log
from choreo.plugins.registry import PluginRegistry
from corpus_support import compat_dir
from plugins.triggers.trigger_helpers import REGISTRY, build, problems

FLOWS = sorted((compat_dir() / "flows").glob("*.y*ml"))
WITH_TRIGGERS = [p for p in FLOWS if "triggers" in (yaml.safe_load(p.read_text(encoding="utf-8")) or {})]


def _conditions(node: Any) -> list[dict[str, Any]]:
    """Every condition mapping under `node` (nested in Not, Or and MultipleCondition too)."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "conditions" and isinstance(value, list):
                found.extend(v for v in value if isinstance(v, dict))
            elif key == "conditions" and isinstance(value, dict):
                found.extend(v for v in value.values() if isinstance(v, dict))
            found.extend(_conditions(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_conditions(item))
    return found


def _flow(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_corpus_has_triggers():
    assert len(WITH_TRIGGERS) >= 15


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.name)
def test_every_trigger_and_condition_type_resolves(path: Path):
    flow = _flow(path)
    for item in flow.get("triggers") or ():
        assert REGISTRY.resolve("trigger", item["type"]) is not None, item["type"]
    for place in ("triggers", "listeners"):
        for condition in _conditions(flow.get(place)):
            assert REGISTRY.resolve("condition", condition["type"]) is not None, condition["type"]


@pytest.mark.parametrize("path", WITH_TRIGGERS, ids=lambda p: p.name)
def test_every_trigger_validates(path: Path):
    for index, item in enumerate(_flow(path)["triggers"]):
        model = build(item)
        assert problems(model) == [], f"triggers[{index}]"


@pytest.mark.parametrize("path", WITH_TRIGGERS, ids=lambda p: p.name)
def test_every_trigger_loads_through_the_flow_loader(path: Path):
    """The triggers, in a flow whose tasks are replaced by a Log task (tasks are tested elsewhere)."""
    flow = _flow(path)
    document = {
        "id": flow["id"],
        "namespace": flow["namespace"],
        "tasks": [{"id": "log", "type": "io.kestra.plugin.core.log.Log", "message": "hi"}],
        "triggers": flow["triggers"],
    }
    loader = FlowLoader(PluginRegistry([Log, *REGISTRY.classes()]))
    result = loader.validate(yaml.safe_dump(document, sort_keys=False))
    assert result.errors == []
    assert len(result.flow.triggers) == len(flow["triggers"])
