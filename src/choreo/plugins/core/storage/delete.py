"""io.kestra.plugin.core.storage.Delete"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core.storage._common import render_bool, render_str


class Delete(Task):
    """Delete an internal-storage file; outputs `uri` and `deleted`.

    ```yaml
    - id: delete
      type: io.kestra.plugin.core.storage.Delete
      uri: "{{ outputs.extract.uri }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.Delete"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.Delete",)

    uri: Dynamic[str] = Field(description="The kestra:// URI of the file.", examples=["{{ outputs.extract.uri }}"])
    error_on_missing: Dynamic[bool] = Field(default=False, description="Fail when the file does not exist.")

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        uri = render_str(ctx, self.uri, "uri")
        error_on_missing = render_bool(ctx, self.error_on_missing, "errorOnMissing")
        delete = getattr(ctx, "delete_file", None)
        if delete is None:
            raise TaskFailed(
                f"Unable to delete '{uri}': this run context cannot delete files from internal storage",
                retryable=False,
            )
        deleted = bool(await asyncio.to_thread(delete, uri))
        if error_on_missing and not deleted:
            raise TaskFailed(f"Unable to find file '{uri}'", retryable=False)
        return {"uri": uri, "deleted": deleted}
