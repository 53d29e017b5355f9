"""The base of every task, trigger, condition and task-runner type.

A plugin type is a frozen pydantic model: its fields are the YAML properties (camelCase aliases, as in Kestra),
each with a description and examples, which feed the JSON Schema for editors and the documentation. `type_name` is
Kestra's type name and `aliases` its legacy names (`io.kestra.core.tasks.*`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from choreo.errors import Severity
from choreo.model.base import DOCUMENT_CONFIG
from choreo.model.types import PluginKind

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """A semantic problem found by a model, at `path` relative to that model (`("tasks", 0)`), with its message."""

    path: Path
    message: str
    severity: Severity = "error"


@dataclass(frozen=True, slots=True)
class ValidationScope:
    """What a semantic check may know beyond the model itself: the flow it sits in and the configuration."""

    flow_id: str = ""
    namespace: str = ""
    worker_groups: frozenset[str] = field(default_factory=frozenset)


def _plugin_schema_extra(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    type_name = getattr(cls, "type_name", "")
    if not type_name:
        return
    names = [type_name, *getattr(cls, "aliases", ())]
    schema["title"] = type_name
    properties = schema.setdefault("properties", {})
    properties["type"] = {"type": "string", "enum": names, "description": "The plugin type."}
    required = schema.setdefault("required", [])
    if "type" not in required:
        required.insert(0, "type")
    deprecated = getattr(cls, "deprecated", None)
    if deprecated:
        schema["deprecated"] = True


class PluginModel(BaseModel):
    """Base model of every plugin type. Subclasses set `type_name`, `aliases` and typed, documented fields."""

    model_config = ConfigDict(**DOCUMENT_CONFIG, json_schema_extra=_plugin_schema_extra)

    plugin_kind: ClassVar[PluginKind]
    type_name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    #: When set, the type still works but validation warns with this text (e.g. "use ... instead").
    deprecated: ClassVar[str | None] = None

    type: str = Field(description="The plugin type.")

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        """Semantic checks beyond the property types (cycles, empty branches…). Paths are relative to this model."""
        return ()

    @classmethod
    def property_names(cls) -> list[str]:
        """The YAML property names this type accepts."""
        return [f.alias or name for name, f in cls.model_fields.items()]
