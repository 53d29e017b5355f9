"""Nested property groups and value types shared by several core task types.

- `NamespaceFiles`: which namespace files to copy into a working directory (WorkingDirectory, script tasks).
- `RestartBehavior`: what restarting does to the child executions of Subflow and ForEachItem.
- `deprecated_property`: a warning for a property Kestra still accepts but deprecates.
"""

from __future__ import annotations

import enum

from pydantic import Field

from choreo.model.base import Part
from choreo.model.plugin import PluginModel, Problem
from choreo.model.types import Dynamic


class FileExistBehavior(enum.StrEnum):
    OVERWRITE = "OVERWRITE"
    FAIL = "FAIL"
    WARN = "WARN"
    IGNORE = "IGNORE"


class NamespaceFiles(Part):
    """Namespace files to copy into the task's working directory before it runs."""

    enabled: Dynamic[bool] = Field(
        default=True,
        description="Load the namespace files; true by default, so that `include`/`exclude` alone are enough.",
    )
    include: Dynamic[list[str]] | None = Field(
        default=None, description="Glob patterns of the files to load; all files when unset.", examples=[["scripts/**"]]
    )
    exclude: Dynamic[list[str]] | None = Field(
        default=None, description="Glob patterns of files to leave out.", examples=[["**/*.md"]]
    )
    namespaces: Dynamic[list[str]] = Field(
        default=["{{ flow.namespace }}"],
        description="Namespaces to load files from, in order; a file present in several comes from the last one.",
    )
    if_exists: Dynamic[FileExistBehavior] = Field(
        default=FileExistBehavior.OVERWRITE,
        description="What to do when a file already exists in the working directory.",
    )
    folder_per_namespace: Dynamic[bool] = Field(
        default=False,
        description="Put each namespace's files in a folder named after the namespace instead of the root.",
    )


class RestartBehavior(enum.StrEnum):
    RETRY_FAILED = "RETRY_FAILED"
    NEW_EXECUTION = "NEW_EXECUTION"


def deprecated_property(model: PluginModel, field: str, hint: str) -> Problem | None:
    """A warning when `field` (a Python field name) was set explicitly on `model`; None otherwise."""
    if field not in model.model_fields_set:
        return None
    info = type(model).model_fields[field]
    name = info.alias or field
    return Problem((name,), f"'{name}' is deprecated: {hint}", severity="warning")
