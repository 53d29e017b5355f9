"""io.kestra.plugin.core.storage.Size"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext
from choreo.plugins.core.storage._common import read_bytes, render_str


class Size(Task):
    """Output the `size`, in bytes, of an internal-storage file.

    ```yaml
    - id: size
      type: io.kestra.plugin.core.storage.Size
      uri: "{{ inputs.file }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.Size"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.Size",)

    uri: Dynamic[str] = Field(description="The kestra:// URI of the file.", examples=["{{ inputs.file }}"])

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        uri = render_str(ctx, self.uri, "uri")
        data = await asyncio.to_thread(read_bytes, ctx, uri)
        return {"size": len(data)}
