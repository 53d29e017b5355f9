"""io.kestra.plugin.core.storage.Write"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext
from choreo.plugins.core.storage._common import render_str, temp_path


class Write(Task):
    """Write rendered text to an internal-storage file; output `uri`.

    ```yaml
    - id: write
      type: io.kestra.plugin.core.storage.Write
      content: Hello World
      extension: .txt
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.Write"

    content: Dynamic[str] = Field(description="The content of the file.", examples=["{{ outputs.query.rows }}"])
    extension: Dynamic[str] | None = Field(
        default=None, description="The extension of the file, dot included.", examples=[".txt"]
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        content = render_str(ctx, self.content, "content")
        extension = render_str(ctx, self.extension, "extension", required=False)
        path = temp_path(ctx, extension)
        data = content.encode()
        await asyncio.to_thread(path.write_bytes, data)
        uri = await asyncio.to_thread(ctx.put_file, path, path.name)
        return {"uri": uri, "size": len(data)}
