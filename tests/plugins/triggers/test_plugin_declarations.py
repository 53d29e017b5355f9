"""The trigger, condition, script-task and task-runner declarations: names, documentation, registry.

Covers the types of choreo.plugins.core.trigger, choreo.plugins.core.condition and choreo.plugins.scripts.
"""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic import BaseModel

from choreo.model.condition import Condition
from choreo.model.plugin import PluginModel
from choreo.model.task import Task, TaskRunner
from choreo.model.trigger import Trigger
from choreo.plugins.core.catalog import CONDITIONS, TRIGGERS
from choreo.plugins.registry import PluginRegistry
from choreo.plugins.schema import flow_schema
from choreo.plugins.scripts.catalog import PLUGINS as SCRIPT_PLUGINS
from choreo.plugins.scripts.catalog import RUNNERS, TASKS

ALL = [*TRIGGERS, *CONDITIONS, *SCRIPT_PLUGINS]
BASES: dict[str, type[PluginModel]] = {"trigger": Trigger, "condition": Condition, "task": Task, "runner": TaskRunner}


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models (not plugins) reachable from a type annotation: the nested parts."""
    found = []
    stack = [annotation]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, BaseModel) and not issubclass(current, PluginModel):
            found.append(current)
        stack.extend(typing.get_args(current))
        if typing.get_origin(current) is typing.Annotated:
            stack.append(current.__origin__)
    return found


def _own_fields(cls: type[BaseModel]) -> dict[str, Any]:
    """Fields declared here (by the type or its bases in these packages), not those of choreo.model's bases."""
    model_bases = (PluginModel, *BASES.values())
    declared = {
        name
        for klass in cls.__mro__
        if isinstance(klass, type) and issubclass(klass, BaseModel) and klass not in model_bases
        for name in vars(klass).get("__annotations__", {})
    }
    return {name: f for name, f in cls.model_fields.items() if name in declared}


def _all_models() -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = list(ALL)
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.append(model)
        for field in model.model_fields.values():
            pending.extend(_models_in(field.annotation))
    return [m for m in seen if m.__module__.startswith("choreo.plugins.")]


def test_exports():
    assert {c.plugin_kind for c in TRIGGERS} == {"trigger"}
    assert {c.plugin_kind for c in CONDITIONS} == {"condition"}
    assert {c.plugin_kind for c in TASKS} == {"task"}
    assert {c.plugin_kind for c in RUNNERS} == {"runner"}
    assert {r.type_name for r in RUNNERS} == {
        "io.kestra.plugin.core.runner.Process",
        "io.kestra.plugin.scripts.runner.docker.Docker",
    }


def test_a_registry_of_all_of_them_has_no_conflict():
    registry = PluginRegistry(ALL)
    assert len(registry) == len(ALL)
    for cls in ALL:
        for name in (cls.type_name, *cls.aliases):
            assert registry.resolve(cls.plugin_kind, name) is cls


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.type_name)
def test_type_name_matches_the_module_and_the_docstring_has_an_example(cls: type[PluginModel]):
    assert cls.type_name.startswith("io.kestra.plugin.")
    assert cls.__doc__ and "```yaml" in cls.__doc__
    assert cls.type_name.rsplit(".", 1)[-1] in cls.__doc__ or cls.type_name in (cls.__module__.__doc__ or "")
    module = __import__(cls.__module__, fromlist=["_"])
    assert module.__doc__.split()[0] == cls.type_name


@pytest.mark.parametrize("model", _all_models(), ids=lambda m: m.__name__)
def test_every_field_has_a_description(model: type[BaseModel]):
    undocumented = [name for name, field in _own_fields(model).items() if name != "type" and not field.description]
    assert undocumented == []


CONDITION = "io.kestra.plugin.core.condition."
KESTRA_ALIASES = {
    "io.kestra.core.models.triggers.types.Schedule": "io.kestra.plugin.core.trigger.Schedule",
    "io.kestra.core.models.triggers.types.Flow": "io.kestra.plugin.core.trigger.Flow",
    "io.kestra.core.models.triggers.types.Webhook": "io.kestra.plugin.core.trigger.Webhook",
    "io.kestra.plugin.fs.http.Trigger": "io.kestra.plugin.core.http.Trigger",
    "io.kestra.core.models.conditions.types.ExecutionStatusCondition": CONDITION + "ExecutionStatus",
    "io.kestra.plugin.core.condition.ExecutionStatusCondition": "io.kestra.plugin.core.condition.ExecutionStatus",
    "io.kestra.plugin.core.condition.ExpressionCondition": "io.kestra.plugin.core.condition.Expression",
    "io.kestra.core.models.conditions.types.VariableCondition": "io.kestra.plugin.core.condition.Expression",
    "io.kestra.plugin.core.condition.ExecutionFlowCondition": "io.kestra.plugin.core.condition.ExecutionFlow",
    "io.kestra.core.models.conditions.types.MultipleCondition": "io.kestra.plugin.core.condition.MultipleCondition",
    "io.kestra.core.models.conditions.types.FlowCondition": "io.kestra.plugin.core.condition.FlowCondition",
    "io.kestra.plugin.core.condition.DayWeekInMonthCondition": "io.kestra.plugin.core.condition.DayWeekInMonth",
}


@pytest.mark.parametrize(("alias", "name"), KESTRA_ALIASES.items())
def test_kestra_legacy_names_resolve(alias: str, name: str):
    registry = PluginRegistry(ALL)
    kind = "trigger" if ".trigger" in name or name.endswith("http.Trigger") else "condition"
    assert registry.resolve(kind, alias).type_name == name


def test_the_flow_json_schema_covers_them():
    schema = flow_schema(PluginRegistry(ALL))
    for cls in ALL:
        assert cls.type_name in schema["$defs"]
    schedule = schema["$defs"]["io.kestra.plugin.core.trigger.Schedule"]["properties"]
    assert {"cron", "withSeconds", "timezone", "recoverMissedSchedules", "lateMaximumDelay"} <= set(schedule)
