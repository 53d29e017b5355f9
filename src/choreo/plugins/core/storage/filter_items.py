"""io.kestra.plugin.core.storage.FilterItems"""

from __future__ import annotations

import enum
from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class FilterType(enum.StrEnum):
    INCLUDE = "INCLUDE"
    EXCLUDE = "EXCLUDE"


class ErrorOrNullBehavior(enum.StrEnum):
    FAIL = "FAIL"
    INCLUDE = "INCLUDE"
    EXCLUDE = "EXCLUDE"


class FilterItems(Task):
    """Keep (or drop) the items of an ION file for which an expression is true; outputs `uri`,
    `processedItemsTotal`, `droppedItemsTotal`.

    ```yaml
    - id: filter
      type: io.kestra.plugin.core.storage.FilterItems
      from: "{{ outputs.query.uri }}"
      filterCondition: "{{ value == null }}"
      filterType: EXCLUDE
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.FilterItems"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.FilterItems",)

    from_: Dynamic[str] = Field(
        alias="from", description="The kestra:// URI of the file to filter.", examples=["{{ outputs.query.uri }}"]
    )
    filter_condition: str = Field(
        description="Expression evaluated on each item (its fields are variables); must render true or false.",
        examples=["{{ amount > 100 }}"],
    )
    filter_type: FilterType = Field(
        default=FilterType.INCLUDE, description="Keep (INCLUDE) or drop (EXCLUDE) the items that match."
    )
    error_or_null_behavior: ErrorOrNullBehavior = Field(
        default=ErrorOrNullBehavior.FAIL,
        description="What to do with an item for which the expression fails or renders null.",
    )
