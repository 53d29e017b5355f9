"""io.kestra.plugin.core.namespace.UploadFiles"""

from __future__ import annotations

import enum
from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class Conflict(enum.StrEnum):
    OVERWRITE = "OVERWRITE"
    ERROR = "ERROR"
    SKIP = "SKIP"


class UploadFiles(Task):
    """Upload files to a namespace's files: working-directory globs to `destination`, or a map of target path to
    kestra:// URI. Output `files`.

    ```yaml
    - id: upload
      type: io.kestra.plugin.core.namespace.UploadFiles
      namespace: company.team
      files:
        /scripts/main.py: "{{ inputs.my_python_script }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.namespace.UploadFiles"

    namespace: Dynamic[str] = Field(description="The namespace to upload to.", examples=["company.team"])
    files: Dynamic[list[str] | dict[str, str]] | None = Field(
        default=None,
        description="Glob patterns or kestra:// URIs of files to upload to `destination`, or a map of target "
        "path to kestra:// URI.",
        examples=[["**.sql"], {"/scripts/main.py": "{{ inputs.script }}"}],
    )
    files_map: Dynamic[dict[str, str] | str] | None = Field(
        default=None,
        description="A map (or JSON object string) of target path to kestra:// URI.",
        examples=[{"/scripts/main.py": "{{ inputs.script }}"}],
    )
    destination: Dynamic[str] = Field(
        default="/", description="The folder to upload the `files` globs to.", examples=["/scripts"]
    )
    conflict: Conflict = Field(
        default=Conflict.OVERWRITE, description="What to do when a file already exists: OVERWRITE, ERROR or SKIP."
    )
