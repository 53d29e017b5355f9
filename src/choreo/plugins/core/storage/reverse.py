"""io.kestra.plugin.core.storage.Reverse"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext
from choreo.plugins.core.storage._common import read_text, render_str, split_lines, temp_path, uri_extension


class Reverse(Task):
    """Write the lines of an internal-storage file in reverse order to a new file; output `uri`.

    ```yaml
    - id: reverse
      type: io.kestra.plugin.core.storage.Reverse
      from: "{{ inputs.file }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.Reverse"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.Reverse",)

    from_: Dynamic[str] = Field(
        alias="from", description="The kestra:// URI of the file to reverse.", examples=["{{ inputs.file }}"]
    )
    separator: Dynamic[str] = Field(default="\n", description="The separator between two lines.")
    charset: Dynamic[str] = Field(default="UTF-8", description="The character set of the file.")

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        uri = render_str(ctx, self.from_, "from")
        separator = render_str(ctx, self.separator, "separator")
        charset = render_str(ctx, self.charset, "charset")
        path = temp_path(ctx, uri_extension(uri))

        def reverse() -> None:
            lines = split_lines(read_text(ctx, uri, charset))
            path.write_bytes("".join(line + separator for line in reversed(lines)).encode(charset))

        await asyncio.to_thread(reverse)
        return {"uri": await asyncio.to_thread(ctx.put_file, path, path.name)}
