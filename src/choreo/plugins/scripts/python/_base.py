"""What the Python script tasks add to the common ones (Kestra's `AbstractPythonExecScript`).

Their process runs unbuffered (`PYTHONUNBUFFERED`), so that lines reach the logs as they are printed.
`dependencies` are not installed by the Process runner yet: the task logs a warning and runs with the packages
the worker's Python has (install them on the worker, or with `beforeCommands`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import ClassVar

from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.scripts.exec import ExecScript
from choreo.plugins.scripts.wrapper import ScriptSession


class PackageManager(enum.StrEnum):
    UV = "UV"
    PIP = "PIP"


class PythonExecScript(ExecScript):
    """Common properties of the Python script tasks; not a task type by itself."""

    default_env: ClassVar[Mapping[str, str]] = {
        "PYTHONUNBUFFERED": "true",
        "PIP_ROOT_USER_ACTION": "ignore",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }

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

    def warn_about_dependencies(self, session: ScriptSession) -> None:
        if self.dependencies is None:
            return
        wanted = session.render_list(self.dependencies, "dependencies")
        if wanted:
            session.ctx.logger.warn(
                "dependencies are not installed by the Process task runner; using the worker's Python packages "
                f"(install {', '.join(wanted)} on the worker or with beforeCommands)"
            )
