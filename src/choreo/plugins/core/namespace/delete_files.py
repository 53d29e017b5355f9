"""io.kestra.plugin.core.namespace.DeleteFiles"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


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
