"""io.kestra.plugin.core.storage.LocalFiles"""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic, Text
from choreo.plugins.context import RunContext
from choreo.plugins.files import match_files, store_files, write_input_files


class LocalFiles(Task):
    """Create files in the working directory and send others to internal storage (deprecated: use the
    `inputFiles`/`outputFiles` properties of WorkingDirectory or of script tasks). Output `uris`.

    ```yaml
    - id: wdir
      type: io.kestra.plugin.core.flow.WorkingDirectory
      tasks:
        - id: files
          type: io.kestra.plugin.core.storage.LocalFiles
          inputs:
            hello.txt: Hello World
          outputs:
            - hello.txt
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.LocalFiles"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.LocalFiles",)
    deprecated: ClassVar[str | None] = "use the inputFiles and outputFiles properties of WorkingDirectory instead"

    inputs: Dynamic[dict[str, Text] | str] | None = Field(
        default=None,
        description="Files to create: a map of path to content (or kestra:// URI), or a JSON object string.",
        examples=[{"hello.txt": "Hello World"}],
    )
    outputs: Dynamic[list[str]] | None = Field(
        default=None, description="Glob patterns of files to send to internal storage.", examples=[["*.txt"]]
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        root = ctx.working_dir()
        files = ctx.render(self.inputs)
        if isinstance(files, str):
            files = json.loads(files)
        if files:
            await asyncio.to_thread(write_input_files, root, files, ctx.read_file)
        patterns = ctx.render(self.outputs) or []
        found = await asyncio.to_thread(match_files, root, patterns)
        uris = await asyncio.to_thread(store_files, found, root, lambda path, name: ctx.put_file(path, name))
        return {"uris": uris}
