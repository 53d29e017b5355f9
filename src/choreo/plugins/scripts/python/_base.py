"""What the Python script tasks add to the common ones (Kestra's `AbstractPythonExecScript`)."""

from __future__ import annotations

import enum

from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.scripts.exec import ExecScript


class PackageManager(enum.StrEnum):
    UV = "UV"
    PIP = "PIP"


class PythonExecScript(ExecScript):
    """Common properties of the Python script tasks; not a task type by itself."""

    container_image: Dynamic[str] | None = Field(
        default="python:3.13-slim", description="Image for container-based task runners.", examples=["python:3.13-slim"]
    )

    dependencies: Dynamic[list[str]] | None = Field(
        default=None,
        description="pip requirement specifiers installed before the script runs.",
        examples=[["pandas==2.2.3", "requests>=2.28"]],
    )
    python_version: Dynamic[str] | None = Field(
        default=None,
        description="Python version the dependencies are resolved for (taken from the image tag or the local "
        "interpreter when unset).",
        examples=["3.12"],
    )
    dependency_cache_enabled: Dynamic[bool] = Field(
        default=True, description="Cache the installed dependencies across executions."
    )
    package_manager: Dynamic[PackageManager] = Field(
        default=PackageManager.UV, description="Installer of the dependencies: UV (falls back to PIP) or PIP."
    )
