"""io.kestra.plugin.core.storage.DeduplicateItems"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class DeduplicateItems(Task):
    """Keep only the last item of an ION file for each key; outputs `uri`, `numKeys`, `processedItemsTotal`,
    `droppedItemsTotal`.

    ```yaml
    - id: deduplicate
      type: io.kestra.plugin.core.storage.DeduplicateItems
      from: "{{ outputs.query.uri }}"
      expr: "{{ key }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.DeduplicateItems"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.DeduplicateItems",)

    from_: Dynamic[str] = Field(
        alias="from", description="The kestra:// URI of the file.", examples=["{{ outputs.query.uri }}"]
    )
    expr: str = Field(
        description="Expression evaluated on each item (its fields are variables) giving its key.",
        examples=["{{ id }}-{{ type }}"],
    )
