"""The JSON Schema of a flow document, covering every registered task, trigger, condition and task runner.

Editors use it for completion and hover documentation (VS Code's YAML extension, the web editor).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from choreo.model.flow import Flow
from choreo.model.types import PluginKind
from choreo.plugins.registry import PluginRegistry

_KINDS: tuple[PluginKind, ...] = ("task", "trigger", "condition", "runner")
_KIND_TITLES = {"task": "Task", "trigger": "Trigger", "condition": "Condition", "runner": "Task runner"}


def flow_schema(registry: PluginRegistry) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for flow documents; each plugin type is a `$defs` entry named after its type."""
    plugins = list(registry.classes())
    models: list[type[BaseModel]] = [Flow, *plugins]
    refs, schema = models_json_schema(
        [(m, "validation") for m in models], by_alias=True, ref_template="#/$defs/{model}"
    )
    defs: dict[str, Any] = schema.get("$defs", {})
    # Name each plugin's definition by its type name, so two `Commands` classes cannot collide in the document.
    renames = {}
    for plugin in plugins:
        old = refs[(plugin, "validation")]["$ref"].rsplit("/", 1)[-1]
        renames[old] = plugin.type_name
    defs = {renames.get(name, name): body for name, body in defs.items()}
    for kind in _KINDS:
        members = [{"$ref": f"#/$defs/{p.type_name}"} for p in plugins if p.plugin_kind == kind]
        defs[kind] = {"title": _KIND_TITLES[kind], "anyOf": members} if members else {"type": "object"}
    flow_name = refs[(Flow, "validation")]["$ref"].rsplit("/", 1)[-1]
    document = dict(defs.pop(flow_name))
    _rewrite_refs(defs, renames)
    _rewrite_refs(document, renames)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://choreo.dev/schemas/flow.json",
        **document,
        "title": "Choreo flow (Kestra syntax)",
        "$defs": defs,
    }


def _rewrite_refs(node: Any, renames: dict[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            node["$ref"] = "#/$defs/" + renames.get(name, name)
        for value in node.values():
            _rewrite_refs(value, renames)
    elif isinstance(node, list):
        for item in node:
            _rewrite_refs(item, renames)
