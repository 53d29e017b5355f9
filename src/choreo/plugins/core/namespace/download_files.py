"""io.kestra.plugin.core.namespace.DownloadFiles"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext


class DownloadFiles(Task):
    """Copy namespace files matching globs into internal storage; output `files` (path → kestra:// URI).

    ```yaml
    - id: download
      type: io.kestra.plugin.core.namespace.DownloadFiles
      namespace: tutorial
      files:
        - "**input.txt"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.namespace.DownloadFiles"

    namespace: Dynamic[str] = Field(description="The namespace to download from.", examples=["company.team"])
    files: Dynamic[list[str] | str] = Field(
        description="A glob pattern or file path, or a list of them.", examples=[["**.sql"]]
    )
    destination: Dynamic[str] = Field(default="", description="Folder, in internal storage, to put the files in.")

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        files = ctx.namespace_files(ctx.render(self.namespace))
        patterns = ctx.render(self.files)
        patterns = [patterns] if isinstance(patterns, str) else patterns
        destination = str(ctx.render(self.destination)).strip("/")
        root = ctx.working_dir()
        downloaded: dict[str, str] = {}
        for path in files.paths(patterns):
            local = root / "download" / path
            await asyncio.to_thread(local.parent.mkdir, parents=True, exist_ok=True)
            await asyncio.to_thread(local.write_bytes, files.read(path))
            name = f"{destination}/{path}" if destination else path
            downloaded[path] = ctx.put_file(local, name.replace("/", "_"))
        return {"files": downloaded}
