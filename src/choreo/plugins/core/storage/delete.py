"""io.kestra.plugin.core.storage.Delete"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


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
