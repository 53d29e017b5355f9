"""io.kestra.plugin.core.state.Delete"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core.state.abstract_state import AbstractState


class Delete(AbstractState):
    """Delete a state file (deprecated: use the KV store). Output `deleted`.

    ```yaml
    - id: delete
      type: io.kestra.plugin.core.state.Delete
      name: unit
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.state.Delete"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.states.Delete",)
    deprecated: ClassVar[str | None] = "use io.kestra.plugin.core.kv.Delete instead"

    error_on_missing: Dynamic[bool] = Field(default=False, description="Fail when the state file does not exist.")

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        deleted = ctx.kv_delete(self.state_key(ctx))
        if not deleted and ctx.render(self.error_on_missing):
            raise TaskFailed(f"Unable to find the state file '{ctx.render(self.name)}'")
        return {"deleted": deleted}
