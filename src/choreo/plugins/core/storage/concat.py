"""io.kestra.plugin.core.storage.Concat"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class Concat(Task):
    """Concatenate internal-storage files into one; output `uri`.

    ```yaml
    - id: concat
      type: io.kestra.plugin.core.storage.Concat
      separator: "\\n"
      files:
        - "{{ outputs.first.uri }}"
        - "{{ outputs.second.uri }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.Concat"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.Concat",)

    files: Dynamic[list[str] | str] = Field(
        description="The kestra:// URIs of the files: a list, or a JSON array string.",
        examples=[["{{ outputs.first.uri }}"], "{{ outputs.generate.outputFiles | jq('.[]') }}"],
    )
    separator: Dynamic[str] | None = Field(default=None, description="Written after each file; nothing when unset.")
    extension: Dynamic[str] = Field(default=".tmp", description="The extension of the created file.")
