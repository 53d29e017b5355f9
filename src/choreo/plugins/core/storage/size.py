"""io.kestra.plugin.core.storage.Size"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


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
