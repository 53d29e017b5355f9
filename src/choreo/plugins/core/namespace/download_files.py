"""io.kestra.plugin.core.namespace.DownloadFiles"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class DownloadFiles(Task):
    """Copy namespace files matching globs into internal storage; output `files` (path → kestra:// URI).

    ```yaml
    - id: download
      type: io.kestra.plugin.core.namespace.DownloadFiles
      namespace: tutorial
      files:
        - "**input.txt"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.namespace.DownloadFiles"

    namespace: Dynamic[str] = Field(description="The namespace to download from.", examples=["company.team"])
    files: Dynamic[list[str] | str] = Field(
        description="A glob pattern or file path, or a list of them.", examples=[["**.sql"]]
    )
    destination: Dynamic[str] = Field(default="", description="Folder, in internal storage, to put the files in.")
