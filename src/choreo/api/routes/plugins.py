"""Plugins: the installed task, trigger, condition and task-runner types, their documentation and JSON Schemas.

Kestra serves these outside the tenant (`/api/v1/plugins`); Kestra 1.x clients ask under the tenant
(`/api/v1/main/plugins`), so the same routes are mounted at both places.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from choreo import __version__
from choreo.api.app import check_tenant, runtime
from choreo.api.errors import ApiError
from choreo.model.inputs import InputType
from choreo.model.plugin import PluginModel
from choreo.model.types import PluginKind
from choreo.plugins.registry import PluginRegistry
from choreo.plugins.schema import flow_schema

KINDS: tuple[PluginKind, ...] = ("task", "trigger", "condition", "runner")
#: The list each kind goes into in Kestra's `Plugin` document.
KIND_LISTS: dict[PluginKind, str] = {
    "task": "tasks",
    "trigger": "triggers",
    "condition": "conditions",
    "runner": "taskRunners",
}
#: `Plugin` lists Kestra has and Choreo's plugins never fill (present so clients can iterate them).
_EMPTY_LISTS = ("storages", "secrets", "apps", "appBlocks", "charts", "dataFilters", "logExporters", "guides")
_SCHEMA_KINDS: dict[str, PluginKind] = {"task": "task", "trigger": "trigger", "condition": "condition"}
_SCHEMA_KINDS.update({"runner": "runner", "taskrunner": "runner", "task-runner": "runner"})


def _registry(request: Request) -> PluginRegistry:
    return runtime(request).app.registry


def _schema(request: Request) -> dict[str, Any]:
    """The flow JSON Schema, built once per application (again if plugins were registered since)."""
    registry = _registry(request)
    state = request.app.state
    cached = getattr(state, "plugin_flow_schema", None)
    if cached is None or cached[0] != len(registry):
        cached = (len(registry), flow_schema(registry))
        state.plugin_flow_schema = cached
    return cached[1]


def _package(plugin: type[PluginModel]) -> str:
    """The plugin package a class comes from: `core`, `scripts`, or a third party's top-level module."""
    parts = plugin.__module__.split(".")
    return parts[2] if parts[:2] == ["choreo", "plugins"] and len(parts) > 2 else parts[0]


def _doc(plugin: type[PluginModel]) -> str:
    return inspect.getdoc(plugin) or ""


def _title_and_description(plugin: type[PluginModel]) -> tuple[str, str]:
    """The doc's first line as the title; the prose after it, without the YAML example, as the description."""
    lines = _doc(plugin).split("```", 1)[0].strip().splitlines()
    title = lines[0].strip() if lines else plugin.type_name.rsplit(".", 1)[-1]
    return title, "\n".join(lines[1:]).strip()


def _summary(plugin: type[PluginModel]) -> dict[str, Any]:
    title, description = _title_and_description(plugin)
    return {"cls": plugin.type_name, "deprecated": bool(plugin.deprecated), "title": title, "description": description}


def _group(plugins: list[type[PluginModel]]) -> str:
    """The dotted package all the type names share (`io.kestra.plugin.core`)."""
    packages = [plugin.type_name.split(".")[:-1] for plugin in plugins]
    return ".".join(os.path.commonprefix(packages)) if packages else ""


def _plugin_document(name: str, plugins: list[type[PluginModel]]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": name,
        "title": name.capitalize(),
        "description": f"Choreo's {name} plugins",
        "group": _group(plugins),
        "version": __version__,
        "categories": [],
        "subGroup": None,
    }
    for kind, field in KIND_LISTS.items():
        members = sorted((p for p in plugins if p.plugin_kind == kind), key=lambda p: p.type_name)
        document[field] = [_summary(plugin) for plugin in members]
    document.update({field: [] for field in _EMPTY_LISTS})
    return document


def _resolve(registry: PluginRegistry, cls: str) -> type[PluginModel] | None:
    for kind in KINDS:
        found = registry.resolve(kind, cls)
        if found is not None:
            return found
    return None


def _markdown(plugin: type[PluginModel]) -> str:
    parts = [f"# {plugin.type_name}", _doc(plugin)]
    if plugin.deprecated:
        parts.append(f"> **Deprecated**: {plugin.deprecated}")
    if plugin.aliases:
        parts.append("Also known as: " + ", ".join(f"`{alias}`" for alias in plugin.aliases))
    return "\n\n".join(part for part in parts if part)


def _references(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            found.add(ref.removeprefix("#/$defs/"))
        for value in node.values():
            found |= _references(value)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return found


def _as_definitions(node: Any) -> Any:
    """A copy with every `#/$defs/X` reference (`$ref`s and discriminator mappings alike) as `#/definitions/X`,
    where Kestra's documents keep them."""
    if isinstance(node, dict):
        return {key: _as_definitions(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_as_definitions(item) for item in node]
    if isinstance(node, str) and node.startswith("#/$defs/"):
        return "#/definitions/" + node.removeprefix("#/$defs/")
    return node


def _class_schema(schema: dict[str, Any], type_name: str) -> dict[str, Any]:
    """Kestra's `PluginSchema`: the class's JSON Schema and the definitions it uses. Slots holding any task (or
    trigger…) point at a short stand-in rather than dragging in every plugin's schema."""
    defs = schema["$defs"]
    definitions: dict[str, Any] = {}
    pending = sorted(_references(defs[type_name]))
    while pending:
        name = pending.pop()
        if name in definitions or name not in defs:
            continue
        if name in KINDS:
            title = defs[name].get("title", name)
            definitions[name] = {"title": title, "type": "object", "description": f"Any {title.lower()} type."}
            continue
        definitions[name] = defs[name]
        pending.extend(_references(defs[name]) - definitions.keys())
    return {
        "properties": _as_definitions(defs[type_name]),
        "outputs": {},
        "definitions": _as_definitions(definitions),
    }


def list_plugins(request: Request) -> list[dict[str, Any]]:
    """One `Plugin` document per plugin package (core, scripts, each third-party package)."""
    packages: dict[str, list[type[PluginModel]]] = {}
    for plugin in _registry(request).classes():
        packages.setdefault(_package(plugin), []).append(plugin)
    return [_plugin_document(name, packages[name]) for name in sorted(packages)]


def input_types() -> list[dict[str, Any]]:
    return [{"type": kind.value} for kind in InputType]


def trigger_types(request: Request) -> list[dict[str, Any]]:
    plugins = sorted(_registry(request).classes("trigger"), key=lambda p: p.type_name)
    return [_summary(plugin) for plugin in plugins]


def plugin_schema(
    schema_type: str, request: Request, array_of: bool = Query(default=False, alias="arrayOf")
) -> dict[str, Any]:
    """`flow`: the whole flow document; `task`, `trigger`, `condition`, `runner`: any plugin of that kind."""
    schema = _schema(request)
    name = schema_type.lower()
    if name == "flow":
        item = {key: value for key, value in schema.items() if key not in ("$schema", "$id", "$defs")}
    elif name in _SCHEMA_KINDS:
        item = schema["$defs"][_SCHEMA_KINDS[name]]
    else:
        raise ApiError(404, f"no schema of type '{schema_type}': use flow, task, trigger, condition or runner")
    if name == "flow" and not array_of:
        return schema
    head = {"$schema": schema["$schema"], "$id": f"https://choreo.dev/schemas/{name}.json"}
    body = {"type": "array", "items": item} if array_of else item
    return {**head, **body, "$defs": schema["$defs"]}


def plugin_documentation(
    cls: str, request: Request, all_properties: bool = Query(default=False, alias="all")
) -> dict[str, Any]:
    """The documentation (Markdown) and JSON Schema of one type, by type name or legacy alias (`all` changes
    nothing: every property is always documented)."""
    plugin = _resolve(_registry(request), cls)
    if plugin is None:
        raise ApiError(404, f"plugin '{cls}' not found")
    schema = _class_schema(_schema(request), plugin.type_name)
    return {"cls": plugin.type_name, "markdown": _markdown(plugin), "schema": schema}


def _mounted(prefix: str, **options: Any) -> APIRouter:
    """The plugin routes under `prefix`, literal paths before `/{cls}`."""
    mounted = APIRouter(prefix=prefix, **options)
    mounted.add_api_route("", list_plugins, methods=["GET"])
    mounted.add_api_route("/inputs", input_types, methods=["GET"])
    mounted.add_api_route("/triggers", trigger_types, methods=["GET"])
    mounted.add_api_route("/schemas/{schema_type}", plugin_schema, methods=["GET"])
    mounted.add_api_route("/{cls}", plugin_documentation, methods=["GET"])
    return mounted


router = APIRouter()
router.include_router(_mounted("/api/v1/plugins"))
router.include_router(_mounted("/api/v1/{tenant}/plugins", dependencies=[Depends(check_tenant)]))
