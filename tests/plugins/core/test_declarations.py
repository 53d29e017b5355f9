"""Every core task type is declared the same way: registered names, documented properties, kinds, deprecations."""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Iterator

import pytest
import yaml
from pydantic import BaseModel

from choreo.model.plugin import PluginModel
from choreo.model.task import Task
from choreo.model.walk import iter_plugins
from choreo.plugins.core.catalog import PLUGINS, TASKS
from choreo.plugins.registry import PluginRegistry
from choreo.plugins.schema import flow_schema


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    """The nested (non-plugin) models reachable in a field annotation."""
    stack = [annotation]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, BaseModel) and not issubclass(current, PluginModel):
            yield current
        stack.extend(typing.get_args(current))
        metadata = getattr(current, "__metadata__", ())
        stack.extend(metadata)


def _documented_models() -> Iterator[tuple[str, type[BaseModel]]]:
    """The task types and the nested models they declare (those of the model layer are tested there)."""
    seen: set[type[BaseModel]] = set()
    stack: list[type[BaseModel]] = list(TASKS)
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        yield model.__name__, model
        for info in model.model_fields.values():
            stack.extend(m for m in _models_in(info.annotation) if m.__module__.startswith("choreo.plugins.core."))


def test_the_registry_takes_every_task_without_conflict():
    registry = PluginRegistry(TASKS)
    assert len(registry) == len(TASKS) == len(set(TASKS))
    for cls in TASKS:
        for name in (cls.type_name, *cls.aliases):
            assert registry.resolve("task", name) is cls, name


def test_the_plugins_list_holds_every_task():
    assert [p for p in PLUGINS if issubclass(p, Task)] == TASKS


@pytest.mark.parametrize("cls", TASKS, ids=lambda c: c.type_name)
def test_type_name_mirrors_the_module(cls):
    package, _, name = cls.type_name.rpartition(".")
    assert package.startswith("io.kestra.plugin.core.")
    assert name == cls.__name__
    module_package = cls.__module__.removeprefix("choreo.plugins.core.").rpartition(".")[0]
    assert package.removeprefix("io.kestra.plugin.core.") == module_package


@pytest.mark.parametrize("model", [pytest.param(m, id=name) for name, m in _documented_models()])
def test_every_property_has_a_description(model):
    missing = [field for field, info in model.model_fields.items() if not info.description]
    assert missing == [], f"{model.__name__}: {missing}"


@pytest.mark.parametrize("cls", TASKS, ids=lambda c: c.type_name)
def test_every_type_documents_itself_with_a_yaml_example(cls):
    doc = inspect.getdoc(cls) or ""
    assert "```yaml" in doc and f"type: {cls.type_name}" in doc


def test_task_kinds():
    kinds = {cls.__name__: cls.task_kind for cls in TASKS}
    flowable = {
        "Sequential", "Parallel", "If", "Switch", "ForEach", "EachSequential", "EachParallel", "Dag",
        "AllowFailure", "Pause", "WorkingDirectory", "LoopUntil", "WaitFor", "Template",
    }  # fmt: skip
    assert {name for name, kind in kinds.items() if kind == "flowable"} == flowable
    assert {name for name, kind in kinds.items() if kind == "executable"} == {"Subflow", "ForEachItem"}


def test_deprecated_types_say_what_to_use_instead():
    deprecated = {cls.type_name: cls.deprecated for cls in TASKS if cls.deprecated}
    assert set(deprecated) == {
        "io.kestra.plugin.core.flow.EachSequential",
        "io.kestra.plugin.core.flow.EachParallel",
        "io.kestra.plugin.core.flow.AllowFailure",
        "io.kestra.plugin.core.flow.Template",
        "io.kestra.plugin.core.flow.WaitFor",
        "io.kestra.plugin.core.debug.Echo",
        "io.kestra.plugin.core.state.Set",
        "io.kestra.plugin.core.state.Get",
        "io.kestra.plugin.core.state.Delete",
        "io.kestra.plugin.core.storage.LocalFiles",
    }
    assert deprecated["io.kestra.plugin.core.state.Set"] == "use io.kestra.plugin.core.kv.Set instead"


@pytest.mark.parametrize(
    "legacy,current",
    [
        ("io.kestra.core.tasks.flows.Flow", "io.kestra.plugin.core.flow.Subflow"),
        ("io.kestra.plugin.core.flow.Flow", "io.kestra.plugin.core.flow.Subflow"),
        ("io.kestra.core.tasks.flows.Worker", "io.kestra.plugin.core.flow.WorkingDirectory"),
        ("io.kestra.plugin.core.flow.Worker", "io.kestra.plugin.core.flow.WorkingDirectory"),
        ("io.kestra.core.tasks.flows.EachSequential", "io.kestra.plugin.core.flow.EachSequential"),
        ("io.kestra.core.tasks.debugs.Return", "io.kestra.plugin.core.debug.Return"),
        ("io.kestra.core.tasks.executions.Fail", "io.kestra.plugin.core.execution.Fail"),
        ("io.kestra.core.tasks.executions.Counts", "io.kestra.plugin.core.execution.Count"),
        ("io.kestra.core.tasks.storages.Purge", "io.kestra.plugin.core.execution.PurgeExecutions"),
        ("io.kestra.core.tasks.storages.PurgeExecution", "io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles"),
        ("io.kestra.core.tasks.states.Set", "io.kestra.plugin.core.state.Set"),
        ("io.kestra.core.tasks.templating.TemplatedTask", "io.kestra.plugin.core.templating.TemplatedTask"),
        ("io.kestra.core.tasks.trigger.Toggle", "io.kestra.plugin.core.trigger.Toggle"),
        ("io.kestra.plugin.fs.http.Request", "io.kestra.plugin.core.http.Request"),
    ],
)
def test_legacy_names_resolve(legacy, current):
    registry = PluginRegistry(TASKS)
    assert registry.resolve("task", legacy) is registry.resolve("task", current) is not None


def test_the_flow_schema_covers_every_task():
    schema = flow_schema(PluginRegistry(TASKS))
    json.dumps(schema)
    defs = schema["$defs"]
    assert all(cls.type_name in defs for cls in TASKS)
    node = defs["DagTask"]["properties"]["task"]
    assert node["allOf"] == [{"$ref": "#/$defs/task"}] and node["description"]
    assert defs["io.kestra.plugin.core.flow.If"]["properties"]["else"]["anyOf"][0]["items"] == {"$ref": "#/$defs/task"}


@pytest.mark.parametrize("cls", TASKS, ids=lambda c: c.type_name)
def test_the_docstring_example_is_a_valid_task(cls, build_data):
    doc = inspect.getdoc(cls) or ""
    example = doc.split("```yaml", 1)[1].split("```", 1)[0]
    built = [build_data(task) for task in yaml.safe_load(example)]
    every = [*built, *(plugin for task in built for _, plugin in iter_plugins(task))]
    assert [type(task) for task in every if task.type == cls.type_name] == [cls]
