"""What every script task shares (Kestra's `io.kestra.plugin.scripts.exec.AbstractExecScript`).

Where the commands run (`taskRunner`), the environment, the interpreter, the files going in (`inputFiles`,
`namespaceFiles`) and out (`outputFiles`). A script reports outputs and metrics by printing
`::{"outputs": {...}, "metrics": [...]}::` lines.

`ExecScript.run` is the same for every script type (`choreo.plugins.scripts.wrapper.run_script`); a type only
says which commands follow `beforeCommands` (`main_commands`) and which environment variables it sets
(`default_env`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar

from pydantic import Field

from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import OneTaskRunner, Task
from choreo.model.types import Dynamic, Text
from choreo.plugins.context import RunContext
from choreo.plugins.core.parts import NamespaceFiles, deprecated_property
from choreo.plugins.scripts.runner.docker.parts import DockerOptions
from choreo.plugins.scripts.wrapper import ScriptSession, run_script

#: Kestra's default interpreter: each command line is run by a POSIX shell.
DEFAULT_INTERPRETER = ("/bin/sh", "-c")


class TargetOS(enum.StrEnum):
    LINUX = "LINUX"
    WINDOWS = "WINDOWS"
    AUTO = "AUTO"


class RunnerType(enum.StrEnum):
    PROCESS = "PROCESS"
    DOCKER = "DOCKER"


InterpreterList = Annotated[list[str], Field(min_length=1)]


class ExecScript(Task):
    """Common properties of the script tasks; not a task type by itself."""

    #: Environment variables the task type sets for its process; the task's `env` overrides them.
    default_env: ClassVar[Mapping[str, str]] = {}

    task_runner: OneTaskRunner | None = Field(
        default=None,
        description="Where the commands run, e.g. `type: io.kestra.plugin.core.runner.Process`. Unset: Kestra uses "
        "its Docker runner, Choreo a local process.",
    )
    container_image: Dynamic[str] | None = Field(
        default=None,
        description="Image for container-based task runners.",
        examples=["ubuntu", "python:3.13-slim"],
    )
    before_commands: Dynamic[list[Text]] | None = Field(
        default=None,
        description="Commands run before the main ones, to set up the environment.",
        examples=[["pip install -r requirements.txt"]],
    )
    env: Dynamic[dict[str, Text]] | None = Field(
        default=None, description="Extra environment variables; values are rendered.", examples=[{"STAGE": "prod"}]
    )
    interpreter: Dynamic[InterpreterList] = Field(
        default_factory=lambda: list(DEFAULT_INTERPRETER),
        description="The interpreter the commands are passed to, as a command line.",
        examples=[["/bin/bash", "-c"]],
    )
    fail_fast: Dynamic[bool] = Field(
        default=True,
        description="Stop at the first command that fails (`set -e`); when false, the last command decides the state.",
    )
    warning_on_std_err: Dynamic[bool] = Field(
        default=True, description="End in WARNING when something is written to stderr (a failing script still FAILS)."
    )
    target_os: Dynamic[TargetOS] = Field(
        default=TargetOS.AUTO,
        alias="targetOS",
        description="Operating system the commands are written for: LINUX, WINDOWS or AUTO (the worker's).",
    )
    input_files: Dynamic[dict[str, str]] | str | None = Field(
        default=None,
        description="Files to create in the working directory: a map of file name to content (or a `kestra://` "
        "URI), or an expression rendering to one.",
        examples=[{"data.csv": "{{ outputs.extract.uri }}", "main.py": "print('hi')"}],
    )
    output_files: Dynamic[list[str]] | None = Field(
        default=None,
        description="Glob patterns, relative to the working directory, of files to keep in internal storage "
        "(as `outputs.<task>.outputFiles`).",
        examples=[["*.csv", "reports/**"]],
    )
    namespace_files: NamespaceFiles | None = Field(default=None, description="Namespace files to load.")
    output_directory: Dynamic[bool] | None = Field(
        default=None,
        description="Deprecated: enables `{{ outputDir }}`; use `outputFiles`.",
        json_schema_extra={"deprecated": True},
    )
    runner: RunnerType | None = Field(
        default=None,
        description="Deprecated: PROCESS or DOCKER; use `taskRunner`.",
        json_schema_extra={"deprecated": True},
    )
    docker: DockerOptions | None = Field(
        default=None,
        description="Deprecated: container options; use a Docker `taskRunner`.",
        json_schema_extra={"deprecated": True},
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        for field, hint in (
            ("runner", "use taskRunner instead"),
            ("docker", "use a taskRunner of type io.kestra.plugin.scripts.runner.docker.Docker instead"),
            ("output_directory", "use outputFiles instead"),
        ):
            warning = deprecated_property(self, field, hint)
            if warning:
                yield warning

    async def main_commands(self, session: ScriptSession) -> list[str]:
        """The command lines that follow `beforeCommands`, rendered; each script type builds its own."""
        raise NotImplementedError

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        """Run the commands with the Process task runner; outputs `vars`, `exitCode` and `outputFiles`.

        Kestra's default task runner is Docker; Choreo runs a task without `taskRunner` as a local process and
        fails one that asks for Docker explicitly.
        """
        return await run_script(self, ctx)
