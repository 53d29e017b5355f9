"""io.kestra.plugin.core.storage.Reverse"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


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
