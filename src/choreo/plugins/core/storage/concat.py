"""io.kestra.plugin.core.storage.Concat"""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core.storage._common import read_bytes, render_str, temp_path


class Concat(Task):
    """Concatenate internal-storage files into one; output `uri`.

    ```yaml
    - id: concat
      type: io.kestra.plugin.core.storage.Concat
      separator: "\\n"
      files:
        - "{{ outputs.first.uri }}"
        - "{{ outputs.second.uri }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.Concat"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.Concat",)

    files: Dynamic[list[str] | str] = Field(
        description="The kestra:// URIs of the files: a list, or a JSON array string.",
        examples=[["{{ outputs.first.uri }}"], "{{ outputs.generate.outputFiles | jq('.[]') }}"],
    )
    separator: Dynamic[str] | None = Field(default=None, description="Written after each file; nothing when unset.")
    extension: Dynamic[str] = Field(default=".tmp", description="The extension of the created file.")

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        if isinstance(self.files, str):
            rendered = ctx.render(self.files)
            try:
                files = json.loads(rendered) if isinstance(rendered, str) else rendered
            except json.JSONDecodeError as exc:
                message = f"files: expected a JSON array of URIs, got {rendered!r}: {exc}"
                raise TaskFailed(message, retryable=False) from None
            if not isinstance(files, list):
                raise TaskFailed(f"files: expected a JSON array of URIs, got {rendered!r}", retryable=False)
        else:
            files = list(self.files)
        uris = [str(ctx.render(item)) if isinstance(item, str) else str(item) for item in files]
        separator = render_str(ctx, self.separator, "separator", required=False)
        extension = render_str(ctx, self.extension, "extension", required=False)
        path = temp_path(ctx, extension)

        def write() -> None:
            with path.open("wb") as out:
                for uri in uris:
                    out.write(read_bytes(ctx, uri))
                    if separator is not None:
                        out.write(separator.encode())

        await asyncio.to_thread(write)
        return {"uri": await asyncio.to_thread(ctx.put_file, path, path.name)}
