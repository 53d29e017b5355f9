"""io.kestra.plugin.redis.list.ListPush"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext
from choreo.plugins.redis._connection import SerdeType, client, encode


class ListPush(Task):
    """Push one value, or each value of a list, to the end of a Redis list. Output `count`: the values pushed.

    ```yaml
    - id: push
      type: io.kestra.plugin.redis.list.ListPush
      url: redis://localhost:6379/0
      key: orders
      from: ["{{ inputs.order }}"]
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.redis.list.ListPush"

    url: Dynamic[str] = Field(description="The Redis URL.", examples=["redis://localhost:6379/0"])
    key: Dynamic[str] = Field(description="The list to push to.", examples=["orders"])
    from_: Dynamic[Any] = Field(alias="from", description="A value or a list of values.", examples=[["a", "b"]])
    serde_type: SerdeType = Field(default=SerdeType.STRING, description="How values are written: STRING or JSON.")

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        values = ctx.render(self.from_)
        values = values if isinstance(values, list) else [values]
        redis = client(str(ctx.render(self.url)))
        try:
            if values:
                await redis.rpush(str(ctx.render(self.key)), *(encode(v, self.serde_type) for v in values))
        finally:
            await redis.aclose()
        return {"count": len(values)}
