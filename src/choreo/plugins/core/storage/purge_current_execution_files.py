"""io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from choreo.model.task import Task
from choreo.plugins.context import RunContext


class PurgeCurrentExecutionFiles(Task):
    """Delete every internal-storage file of the current execution (inputs, outputs, trigger files); output `uris`.

    ```yaml
    - id: purge
      type: io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.tasks.storages.PurgeExecution",
        "io.kestra.plugin.core.storage.PurgeExecution",
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        uris = await asyncio.to_thread(ctx.purge_execution_files)
        ctx.logger.info(f"Deleted {len(uris)} file(s) of the execution")
        return {"uris": uris}
