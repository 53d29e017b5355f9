"""io.kestra.plugin.core.kv.Delete"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext
from choreo.plugins.core.kv._values import missing_key, render_bool, render_text


class Delete(Task):
    """Delete a key from the namespace's key-value store; output `deleted`.

    ```yaml
    - id: kv_delete
      type: io.kestra.plugin.core.kv.Delete
      key: last_run
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.kv.Delete"

    key: Dynamic[str] = Field(description="The key.", examples=["last_run"])
    namespace: Dynamic[str] = Field(
        default="{{ flow.namespace }}", description="Namespace of the store; the flow's namespace by default."
    )
    error_on_missing: Dynamic[bool] = Field(default=False, description="Fail when the key has no value.")

    async def run(self, ctx: RunContext) -> dict[str, Any] | None:
        namespace = render_text(ctx, self.namespace, "namespace")
        key = render_text(ctx, self.key, "key")
        deleted = ctx.kv_delete(key, namespace)
        if not deleted and render_bool(ctx, self.error_on_missing, "errorOnMissing"):
            raise missing_key(key, namespace)
        return {"deleted": deleted}
