"""The plugin registry: entry-point discovery, aliases, suggestions, conflicts."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import ClassVar

import pytest
from pydantic import Field

from choreo.model.task import Task
from choreo.plugins import registry as registry_module
from choreo.plugins.registry import PluginConflict, PluginRegistry


class Greet(Task):
    """A third-party task."""

    type_name: ClassVar[str] = "com.example.Greet"
    aliases: ClassVar[tuple[str, ...]] = ("com.example.old.Greet",)
    name: str = Field(description="Who to greet.")


PLUGINS = [Greet]


def test_installed_entry_points_give_core_and_script_types():
    registry = PluginRegistry.from_entry_points()
    assert registry.resolve("task", "io.kestra.plugin.core.log.Log") is not None
    assert registry.resolve("task", "io.kestra.core.tasks.log.Log") is registry.resolve(
        "task", "io.kestra.plugin.core.log.Log"
    )
    assert registry.resolve("task", "io.kestra.plugin.scripts.python.Script") is not None
    assert registry.resolve("runner", "io.kestra.plugin.core.runner.Process") is not None
    assert registry.resolve("trigger", "io.kestra.plugin.core.trigger.Schedule") is not None
    assert registry.resolve("condition", "io.kestra.plugin.core.condition.ExecutionStatus") is not None
    assert registry.resolve("task", "io.kestra.plugin.core.trigger.Schedule") is None  # kinds are separate


def test_a_third_party_package_adds_types_through_the_entry_point_group(monkeypatch):
    original = registry_module.entry_points

    def with_example(group: str):
        found = list(original(group=group))
        return [*found, EntryPoint("example", f"{__name__}:PLUGINS", group)]

    monkeypatch.setattr(registry_module, "entry_points", with_example)
    registry = PluginRegistry.from_entry_points()
    assert registry.resolve("task", "com.example.old.Greet") is Greet
    assert registry.resolve("task", "io.kestra.plugin.core.log.Log") is not None


def test_two_classes_claiming_one_name_is_an_error_naming_both():
    class Other(Task):
        type_name: ClassVar[str] = "com.example.Greet"

    with pytest.raises(PluginConflict, match="com.example.Greet.*Greet.*Other"):
        PluginRegistry([Greet, Other])


def test_suggestions_for_typos_only_when_close():
    registry = PluginRegistry.from_entry_points()
    assert registry.suggest("task", "io.kestra.plugin.core.log.Lgo") == "io.kestra.plugin.core.log.Log"
    assert registry.suggest("task", "io.kestra.plugin.core.flow.Paralel") == "io.kestra.plugin.core.flow.Parallel"
    assert registry.suggest("task", "io.kestra.plugin.core.debug.MissingOne") is None


def test_each_generated_index_matches_its_catalog():
    """`python -m choreo.plugins.index` regenerates them after a plugin is added or renamed."""
    import importlib

    from choreo.plugins.index import CATALOGS, index_of

    for package, catalog in CATALOGS.items():
        index = importlib.import_module(package).INDEX
        assert [tuple(e) for e in index] == index_of(importlib.import_module(catalog).PLUGINS), package


def test_indexed_types_are_imported_only_when_first_resolved():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from choreo.plugins.registry import PluginRegistry\n"
        "r = PluginRegistry.from_entry_points()\n"
        "assert 'choreo.plugins.core.http.request' not in sys.modules\n"
        "assert 'io.kestra.plugin.core.http.Request' in r.names('task')\n"
        "assert r.resolve('task', 'io.kestra.core.tasks.log.Log').type_name == 'io.kestra.plugin.core.log.Log'\n"
        "assert 'choreo.plugins.core.http.request' not in sys.modules\n"
        "assert r.resolve('task', 'io.kestra.plugin.core.http.Request').__name__ == 'Request'\n"
        "assert r.resolve('task', 'nope') is None\n"
        "print(len(r), len(list(r.classes())))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    count, classes = map(int, done.stdout.split())
    assert count == classes > 80
