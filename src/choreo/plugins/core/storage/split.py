"""io.kestra.plugin.core.storage.Split"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, PositiveInt

from choreo.model.task import Task
from choreo.model.types import Dynamic


class Split(Task):
    """Split an internal-storage file by `rows`, `bytes`, `partitions` or `regexPattern`; output `uris`.

    ```yaml
    - id: split
      type: io.kestra.plugin.core.storage.Split
      from: "{{ inputs.file }}"
      rows: 1000
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.Split"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.Split",)

    from_: Dynamic[str] = Field(
        alias="from", description="The kestra:// URI of the file to split.", examples=["{{ inputs.file }}"]
    )
    bytes: Dynamic[str] | None = Field(default=None, description="Size of each part.", examples=["10MB"])
    partitions: Dynamic[PositiveInt] | None = Field(default=None, description="Number of parts.", examples=[8])
    rows: Dynamic[PositiveInt] | None = Field(default=None, description="Number of lines per part.", examples=[1000])
    separator: Dynamic[str] = Field(default="\n", description="The separator between two lines.")
    regex_pattern: Dynamic[str] | None = Field(
        default=None, description="Group the lines by the value of the first capture group of this pattern."
    )
