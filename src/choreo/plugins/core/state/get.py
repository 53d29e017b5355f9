"""io.kestra.plugin.core.state.Get"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core.state.abstract_state import AbstractState


class Get(AbstractState):
    """Read a state file (deprecated: use the KV store). Outputs `data` and `count`.

    ```yaml
    - id: get
      type: io.kestra.plugin.core.state.Get
      name: unit
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.state.Get"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.states.Get",)
    deprecated: ClassVar[str | None] = "use io.kestra.plugin.core.kv.Get instead"

    error_on_missing: Dynamic[bool] = Field(default=False, description="Fail when the state file does not exist.")

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        data = self.read_state(ctx)
        if data is None and ctx.render(self.error_on_missing):
            raise TaskFailed(f"Unable to find the state file '{ctx.render(self.name)}'")
        data = data or {}
        return {"data": data, "count": len(data)}
