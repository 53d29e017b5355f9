"""io.kestra.plugin.core.flow.WorkingDirectory"""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.base import Part
from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import Task, Tasks
from choreo.model.types import Duration, Dynamic, Text
from choreo.plugins.context import RunContext
from choreo.plugins.core.parts import NamespaceFiles
from choreo.plugins.files import match_files, safe_path, store_files, write_input_files


class Cache(Part):
    """Files kept from one execution to the next, restored into the working directory before the tasks run."""

    patterns: list[str] = Field(
        description="Glob patterns, relative to the working directory, of the files to cache.",
        examples=[["node_modules/**"]],
    )
    ttl: Duration | None = Field(
        default=None, description="How long the cache stays valid; forever when unset.", examples=["PT1H"]
    )


class WorkingDirectory(Task):
    """Run runnable tasks one after the other on one worker, in one shared local directory.

    Flowable in Kestra's sense (it has children), but its children all run on the worker that picks it up.

    ```yaml
    - id: wdir
      type: io.kestra.plugin.core.flow.WorkingDirectory
      inputFiles:
        query.sql: SELECT 1
      outputFiles:
        - output.json
      tasks:
        - id: script
          type: io.kestra.plugin.scripts.python.Script
          script: print("hello")
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.WorkingDirectory"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.tasks.flows.WorkingDirectory",
        "io.kestra.core.tasks.flows.Worker",
        "io.kestra.plugin.core.flow.Worker",
    )
    task_kind = "flowable"

    tasks: Tasks | None = Field(
        default=None, description="The runnable tasks to run, in order, in the shared directory (at least one)."
    )
    errors: Tasks | None = Field(default=None, description="Tasks to run when one of `tasks` fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )
    input_files: Dynamic[dict[str, Text] | str] | None = Field(
        default=None,
        description="Files to create in the directory first: a map of path to content (or kestra:// URI), "
        "or a JSON object string.",
        examples=[{"query.sql": "SELECT 1"}],
    )
    output_files: Dynamic[list[str]] | None = Field(
        default=None,
        description="Glob patterns of files to send to internal storage at the end; output `outputFiles` maps "
        "each file to its URI.",
        examples=[["*.csv"]],
    )
    namespace_files: NamespaceFiles | None = Field(
        default=None, description="Namespace files to copy into the directory first."
    )
    cache: Cache | None = Field(default=None, description="Files to keep from one execution to the next.")

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        if not self.tasks:
            where = ("tasks",) if "tasks" in self.model_fields_set else ()
            yield Problem(where, f"{self.id}: The 'tasks' property cannot be empty")
            return
        for index, child in enumerate(self.tasks):
            if child.task_kind != "runnable":
                yield Problem(
                    ("tasks", index),
                    f"{self.id}: Only runnable tasks are allowed as children of a WorkingDirectory task",
                )
                return
        for index, child in enumerate(self.tasks):
            if child.worker_group is not None:
                yield Problem(
                    ("tasks", index, "workerGroup"),
                    f"{self.id}: Cannot set a Worker Group in any WorkingDirectory sub-tasks, "
                    "it is only supported at the WorkingDirectory level",
                )
                return

    async def prepare(self, ctx: RunContext) -> None:
        """Before the first child: restore the cache (when there is a fresh one), then write `inputFiles`."""
        if self.cache is not None:
            cached = await asyncio.to_thread(ctx.cache_read, self.id, self.cache.ttl)
            if cached is not None:
                await asyncio.to_thread(_unzip, cached, ctx.working_dir())
        files = ctx.render(self.input_files)
        if isinstance(files, str):
            files = json.loads(files)
        if files:
            await asyncio.to_thread(write_input_files, ctx.working_dir(), files, ctx.read_file)

    async def run(self, ctx: RunContext) -> dict[str, Any] | None:
        """After the children succeeded: store the files matching `cache.patterns` as the flow's cache, and send
        those matching `outputFiles` to internal storage."""
        root = ctx.working_dir()
        if self.cache is not None:
            cached = await asyncio.to_thread(match_files, root, self.cache.patterns)
            await asyncio.to_thread(ctx.cache_write, self.id, _zip(cached, root))
            ctx.logger.debug(f"Cached {len(cached)} file(s)")
        if not self.output_files:
            return None
        found = await asyncio.to_thread(match_files, root, ctx.render(self.output_files) or [])
        uris = await asyncio.to_thread(store_files, found, root, lambda path, name: ctx.put_file(path, name))
        return {"outputFiles": uris}


def _zip(files: list[Path], root: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(root).as_posix())
    return buffer.getvalue()


def _unzip(data: bytes, root: Path) -> None:
    """Restore cached files; names are checked like inputFiles, so an archive cannot write outside `root`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if member.is_dir():
                continue
            target = safe_path(root, member.filename, "cache")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
