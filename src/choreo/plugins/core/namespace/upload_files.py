"""io.kestra.plugin.core.namespace.UploadFiles"""

from __future__ import annotations

import asyncio
import enum
import json
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.files import match_files


class Conflict(enum.StrEnum):
    OVERWRITE = "OVERWRITE"
    ERROR = "ERROR"
    SKIP = "SKIP"


class UploadFiles(Task):
    """Upload files to a namespace's files: working-directory globs to `destination`, or a map of target path to
    kestra:// URI. Output `files`.

    ```yaml
    - id: upload
      type: io.kestra.plugin.core.namespace.UploadFiles
      namespace: company.team
      files:
        /scripts/main.py: "{{ inputs.my_python_script }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.namespace.UploadFiles"

    namespace: Dynamic[str] = Field(description="The namespace to upload to.", examples=["company.team"])
    files: Dynamic[list[str] | dict[str, str]] | None = Field(
        default=None,
        description="Glob patterns or kestra:// URIs of files to upload to `destination`, or a map of target "
        "path to kestra:// URI.",
        examples=[["**.sql"], {"/scripts/main.py": "{{ inputs.script }}"}],
    )
    files_map: Dynamic[dict[str, str] | str] | None = Field(
        default=None,
        description="A map (or JSON object string) of target path to kestra:// URI.",
        examples=[{"/scripts/main.py": "{{ inputs.script }}"}],
    )
    destination: Dynamic[str] = Field(
        default="/", description="The folder to upload the `files` globs to.", examples=["/scripts"]
    )
    conflict: Conflict = Field(
        default=Conflict.OVERWRITE, description="What to do when a file already exists: OVERWRITE, ERROR or SKIP."
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        files = ctx.namespace_files(ctx.render(self.namespace))
        wanted: dict[str, bytes] = {}
        mapping = ctx.render(self.files_map)
        if isinstance(mapping, str):
            mapping = json.loads(mapping)
        rendered = ctx.render(self.files)
        if isinstance(rendered, dict):
            mapping = {**(mapping or {}), **rendered}
        for target, source in (mapping or {}).items():
            wanted[str(target)] = ctx.read_file(source) if str(source).startswith("kestra://") else str(source).encode()
        if isinstance(rendered, list):
            root = ctx.working_dir()
            destination = str(ctx.render(self.destination)).strip("/")
            for path in await asyncio.to_thread(match_files, root, rendered):
                relative = path.relative_to(root).as_posix()
                wanted[f"{destination}/{relative}" if destination else relative] = path.read_bytes()
        existing = set(files.paths())
        uploaded: dict[str, str] = {}
        for target, data in wanted.items():
            path = target.lstrip("/")
            if path in existing and self.conflict == Conflict.ERROR:
                raise TaskFailed(f"The file '{path}' already exists in the namespace")
            if path in existing and self.conflict == Conflict.SKIP:
                continue
            uploaded[path] = files.put(path, data)
        return {"files": uploaded}
