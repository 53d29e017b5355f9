"""io.kestra.plugin.core.storage.FilterItems"""

from __future__ import annotations

import asyncio
import enum
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core.storage._common import item_variables, read_text, render_str, split_lines, temp_path

#: What Kestra's `TruthUtils` reads as false.
_FALSY = ("false", "0", "-0", "")


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

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        uri = render_str(ctx, self.from_, "from")
        filter_type = FilterType(render_str(ctx, self.filter_type, "filterType"))
        on_error = ErrorOrNullBehavior(render_str(ctx, self.error_or_null_behavior, "errorOrNullBehavior"))
        text = await asyncio.to_thread(read_text, ctx, uri)
        kept: list[str] = []
        processed = dropped = 0
        for item in split_lines(text):
            if not item.strip():
                continue
            variables = item_variables(item)
            error: Exception | None = None
            match: bool | None = None
            try:
                rendered = ctx.render(self.filter_condition, variables)
                if rendered is not None:
                    match = str(rendered).strip() not in _FALSY
            except Exception as exc:  # the expression failed on this item
                error = exc
            action = filter_type
            if match is None:
                if on_error is ErrorOrNullBehavior.FAIL:
                    if error is not None:
                        raise TaskFailed(f"filterCondition failed on item `{item}`: {error}") from error
                    raise TaskFailed(f"Expression `{self.filter_condition}` return `null` on item `{item}`")
                action = FilterType(on_error.value)
            elif not match:
                action = FilterType.EXCLUDE if filter_type is FilterType.INCLUDE else FilterType.INCLUDE
            if action is FilterType.INCLUDE:
                kept.append(item)
            else:
                dropped += 1
            processed += 1
        path = temp_path(ctx, ".ion")
        await asyncio.to_thread(path.write_text, "".join(line + "\n" for line in kept), encoding="utf-8")
        uri = await asyncio.to_thread(ctx.put_file, path, path.name)
        return {"uri": uri, "processedItemsTotal": processed, "droppedItemsTotal": dropped}
