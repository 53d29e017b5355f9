"""io.kestra.plugin.core.namespace.DeleteFiles"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext


class DeleteFiles(Task):
    """Delete the namespace files matching globs.

    ```yaml
    - id: delete
      type: io.kestra.plugin.core.namespace.DeleteFiles
      namespace: tutorial
      files:
        - "**.txt"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.namespace.DeleteFiles"

    namespace: Dynamic[str] = Field(description="The namespace to delete from.", examples=["company.team"])
    files: Dynamic[list[str] | str] = Field(
        description="A glob pattern or file path, or a list of them.", examples=[["**.txt"]]
    )
    delete_parent_folder: Dynamic[bool] = Field(
        default=False, description="Also delete the folders left empty by the deletion."
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        files = ctx.namespace_files(ctx.render(self.namespace))
        patterns = ctx.render(self.files)
        patterns = [patterns] if isinstance(patterns, str) else patterns
        deleted = [path for path in files.paths(patterns) if files.delete(path)]
        return {"files": deleted}
