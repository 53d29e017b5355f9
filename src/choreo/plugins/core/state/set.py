"""io.kestra.plugin.core.state.Set"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext
from choreo.plugins.core.state.abstract_state import AbstractState


class Set(AbstractState):
    """Merge values into a state file (deprecated: use the KV store). Outputs `count` and `key`.

    ```yaml
    - id: set
      type: io.kestra.plugin.core.state.Set
      name: unit
      data:
        value: "{{ outputs.previous.value }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.state.Set"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.states.Set",)
    deprecated: ClassVar[str | None] = "use io.kestra.plugin.core.kv.Set instead"

    data: Dynamic[dict[str, Any]] | None = Field(
        default=None,
        description="The values to store, by name; strings in them are rendered.",
        examples=[{"value": 1}],
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        merged = {**(self.read_state(ctx) or {}), **(ctx.render(self.data) or {})}
        ctx.kv_put(self.state_key(ctx), merged)
        return {"count": len(merged), "key": self.state_key(ctx)}
