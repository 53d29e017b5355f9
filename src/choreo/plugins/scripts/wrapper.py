"""How a script task runs (Kestra's `CommandsWrapper` with the `Process` task runner).

1. The task runner is checked: only `io.kestra.plugin.core.runner.Process` runs here. Kestra's default runner
   is Docker; Choreo runs a task without `taskRunner` (and without the deprecated `runner`/`docker`) as a local
   process. An explicit Docker runner (`taskRunner`, `runner: DOCKER`, or `docker:` options) fails the task.
2. The attempt's working directory gets an output directory, and both are exposed as `{{ workingDir }}` /
   `{{ outputDir }}` to every rendered property and as `$WORKING_DIR` / `$OUTPUT_DIR` to the process.
3. `inputFiles` are written; then the command line is built: `interpreter` (default `/bin/sh -c`) followed by one
   argument holding `set -e` (when `failFast`), the `beforeCommands` and the task's own commands, one per line.
   `kestra://` URIs in it are replaced by local copies.
4. The process runs with the worker's environment plus the task's `env`; its lines are streamed to the logs and
   the `::{...}::` protocol (`choreo.plugins.scripts.protocol`). A non-zero exit code fails the task; any stderr
   line ends it in WARNING when `warningOnStdErr` (default true, as in Kestra 0.21).
5. Files in the output directory and those matched by `outputFiles` are stored.

Outputs: `vars` (from the protocol), `exitCode`, `outputFiles` (relative path → kestra:// URI).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shlex
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core.runner.process import Process
from choreo.plugins.files import localize_storage_uris, match_files, store_files, write_input_files
from choreo.plugins.scripts.process import run_process
from choreo.plugins.scripts.protocol import LogConsumer
from choreo.plugins.scripts.runner.docker.docker import Docker

if TYPE_CHECKING:
    from choreo.plugins.scripts.exec import ExecScript

__all__ = ["ScriptSession", "run_script"]

_PROCESS_TYPES = frozenset({Process.type_name, *Process.aliases})
_DOCKER_TYPES = frozenset({Docker.type_name, *Docker.aliases})


@dataclass
class ScriptSession:
    """What a script task needs while it builds its commands: rendering with `workingDir`/`outputDir`, the
    environment of the process, and helpers to write files into the working directory."""

    ctx: RunContext
    working_dir: Path
    output_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    _local_copies: dict[str, str] = field(default_factory=dict)

    @property
    def extra(self) -> dict[str, Any]:
        return {"workingDir": str(self.working_dir), "outputDir": str(self.output_dir)}

    def render(self, value: Any) -> Any:
        return self.ctx.render(value, self.extra)

    def render_list(self, value: Any, what: str) -> list[str]:
        """A rendered list of strings; a template may render to a JSON list (or to one string)."""
        rendered = self.render(value)
        if isinstance(rendered, str):
            try:
                rendered = json.loads(rendered) if rendered.lstrip().startswith("[") else [rendered]
            except json.JSONDecodeError as exc:
                raise TaskFailed(f"{what}: expected a list, got {rendered!r}") from exc
        if not isinstance(rendered, list):
            raise TaskFailed(f"{what}: expected a list, got {type(rendered).__name__}")
        return [_text(item) for item in rendered]

    def render_bool(self, value: Any, what: str) -> bool:
        rendered = self.render(value)
        if isinstance(rendered, bool):
            return rendered
        if isinstance(rendered, str) and rendered.strip().lower() in ("true", "false"):
            return rendered.strip().lower() == "true"
        raise TaskFailed(f"{what}: expected true or false, got {rendered!r}")

    async def localize(self, text: str) -> str:
        """`text` with each kestra:// URI replaced by the path of a local copy in the working directory."""
        if "kestra://" not in text:
            return text
        return await asyncio.to_thread(
            localize_storage_uris, text, self.working_dir, self.ctx.read_file, self._local_copies
        )

    async def write_temp_file(self, content: str, suffix: str) -> Path:
        """Write `content` to a new file of the working directory; returns its absolute path."""
        path = self.working_dir / f"{secrets.token_hex(8)}{suffix}"
        await asyncio.to_thread(path.write_text, content, encoding="utf-8")
        return path

    def python(self) -> str:
        """The Python command: `python3` when the process's PATH has it, else this interpreter."""
        if shutil.which("python3", path=self.env.get("PATH")):
            return "python3"
        return shlex.quote(sys.executable)


async def load_namespace_files(ctx: RunContext, settings: Any, working_dir: Path) -> None:
    """Copy the namespace files `namespaceFiles` selects into the working directory (later namespaces win)."""
    include = ctx.render(settings.include) or None
    exclude = ctx.render(settings.exclude) or None
    for namespace in ctx.render(settings.namespaces) or [None]:
        files = ctx.namespace_files(namespace)
        copied = await asyncio.to_thread(files.copy_to, working_dir, include, exclude)
        ctx.logger.debug(f"Loaded {len(copied)} namespace file(s) from {namespace or 'the flow namespace'}")


async def run_script(task: ExecScript, ctx: RunContext) -> dict[str, Any]:
    """Run a script task with the Process runner; see the module docstring."""
    check_runner(task)
    working_dir = ctx.working_dir()
    output_dir = working_dir / secrets.token_hex(8)
    await asyncio.to_thread(output_dir.mkdir, parents=True, exist_ok=True)
    session = ScriptSession(ctx, working_dir, output_dir)
    session.env = _environment(task, session)

    if task.namespace_files is not None and session.render_bool(task.namespace_files.enabled, "namespaceFiles"):
        await load_namespace_files(ctx, task.namespace_files, working_dir)
    await _write_input_files(task, session)

    windows = str(session.render(task.target_os)).upper() == "WINDOWS"
    lines = []
    if session.render_bool(task.fail_fast, "failFast"):
        lines.append("" if windows else "set -e")
    if task.before_commands is not None:
        lines.extend(session.render_list(task.before_commands, "beforeCommands"))
    lines.extend(await task.main_commands(session))
    command = await session.localize(("\r\n" if windows else "\n").join(lines))
    argv = [*session.render_list(task.interpreter, "interpreter"), command]

    consumer = LogConsumer(ctx)
    exit_code = await run_process(
        argv,
        cwd=working_dir,
        env=session.env,
        on_line=consumer.accept,
        on_start=lambda pid: ctx.logger.debug(f"Starting command with pid {pid}"),
    )
    if exit_code != 0:
        raise TaskFailed(f"Command failed with exit code {exit_code}")
    ctx.logger.debug(f"Command succeed with exit code {exit_code}")

    output_files = await _store_output_files(task, session)
    if consumer.stderr_lines and session.render_bool(task.warning_on_std_err, "warningOnStdErr"):
        ctx.warn_state()
    return {"vars": consumer.outputs, "exitCode": exit_code, "outputFiles": output_files}


def check_runner(task: ExecScript) -> None:
    """Fail unless the task runs with the Process runner (explicitly, or by Choreo's default)."""
    if task.runner is not None:
        if task.runner == "DOCKER":
            raise _unavailable("Docker")
        return
    runner = task.task_runner
    if runner is None:
        if task.docker is not None:
            raise _unavailable("Docker")
        return
    if runner.type in _PROCESS_TYPES:
        return
    raise _unavailable("Docker" if runner.type in _DOCKER_TYPES else runner.type)


def _unavailable(name: str) -> TaskFailed:
    return TaskFailed(
        f"the {name} task runner is not available; use {Process.type_name}",
        retryable=False,
    )


def _environment(task: ExecScript, session: ScriptSession) -> dict[str, str]:
    env = {**os.environ, **task.default_env}
    if task.env is not None:
        rendered = session.render(task.env)
        if not isinstance(rendered, Mapping):
            raise TaskFailed(f"env: expected a map of variable name to value, got {type(rendered).__name__}")
        env.update({str(name): _text(value) for name, value in rendered.items()})
    env["WORKING_DIR"] = str(session.working_dir)
    env["OUTPUT_DIR"] = str(session.output_dir)
    return env


async def _write_input_files(task: ExecScript, session: ScriptSession) -> None:
    if task.input_files is None:
        return
    rendered = session.render(task.input_files)
    if isinstance(rendered, str):
        try:
            rendered = json.loads(rendered)
        except json.JSONDecodeError as exc:
            raise TaskFailed(f"inputFiles: expected a map of file name to content, got {rendered!r}") from exc
    if not isinstance(rendered, Mapping):
        raise TaskFailed(f"inputFiles: expected a map of file name to content, got {type(rendered).__name__}")
    files = {str(name): None if content is None else _text(content) for name, content in rendered.items()}
    await asyncio.to_thread(write_input_files, session.working_dir, files, session.ctx.read_file)


async def _store_output_files(task: ExecScript, session: ScriptSession) -> dict[str, str]:
    patterns = session.render_list(task.output_files, "outputFiles") if task.output_files is not None else []

    def collect() -> dict[str, str]:
        put = session.ctx.put_file
        stored = store_files(match_files(session.output_dir, ["**"]), session.output_dir, put)
        matched = match_files(session.working_dir, patterns, exclude=session.output_dir)
        stored.update(store_files(matched, session.working_dir, put))
        return stored

    return await asyncio.to_thread(collect)


def _text(value: Any) -> str:
    """A rendered scalar as the text a command or variable holds (`true`, `3`, JSON for structures)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
