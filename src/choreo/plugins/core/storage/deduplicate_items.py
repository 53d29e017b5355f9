"""io.kestra.plugin.core.storage.DeduplicateItems"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext
from choreo.plugins.core.storage._common import item_variables, read_text, render_str, split_lines, temp_path


class DeduplicateItems(Task):
    """Keep only the last item of an ION file for each key; outputs `uri`, `numKeys`, `processedItemsTotal`,
    `droppedItemsTotal`.

    ```yaml
    - id: deduplicate
      type: io.kestra.plugin.core.storage.DeduplicateItems
      from: "{{ outputs.query.uri }}"
      expr: "{{ key }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.DeduplicateItems"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.DeduplicateItems",)

    from_: Dynamic[str] = Field(
        alias="from", description="The kestra:// URI of the file.", examples=["{{ outputs.query.uri }}"]
    )
    expr: str = Field(
        description="Expression evaluated on each item (its fields are variables) giving its key.",
        examples=["{{ id }}-{{ type }}"],
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        uri = render_str(ctx, self.from_, "from")
        lines = [line for line in split_lines(await asyncio.to_thread(read_text, ctx, uri)) if line.strip()]
        keys = [str(ctx.render(self.expr, item_variables(line))) for line in lines]
        last = {key: offset for offset, key in enumerate(keys)}
        kept = [line for offset, (line, key) in enumerate(zip(lines, keys, strict=True)) if last[key] == offset]
        path = temp_path(ctx, ".ion")
        await asyncio.to_thread(path.write_text, "".join(line + "\n" for line in kept), encoding="utf-8")
        uri = await asyncio.to_thread(ctx.put_file, path, path.name)
        return {
            "uri": uri,
            "numKeys": len(last),
            "processedItemsTotal": len(lines),
            "droppedItemsTotal": len(lines) - len(kept),
        }
