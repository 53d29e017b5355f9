"""io.kestra.plugin.core.kv.GetKeys"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext
from choreo.plugins.core.kv._values import render_text


class GetKeys(Task):
    """List the keys of the namespace's key-value store, optionally those with a prefix; output `keys`.

    ```yaml
    - id: kv_keys
      type: io.kestra.plugin.core.kv.GetKeys
      prefix: orders_
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.kv.GetKeys"

    prefix: Dynamic[str] | None = Field(default=None, description="Only the keys starting with this prefix.")
    namespace: Dynamic[str] = Field(
        default="{{ flow.namespace }}", description="Namespace of the store; the flow's namespace by default."
    )

    async def run(self, ctx: RunContext) -> dict[str, Any] | None:
        namespace = render_text(ctx, self.namespace, "namespace")
        prefix = None if self.prefix is None else str(ctx.render(self.prefix))
        return {"keys": list(ctx.kv_keys(prefix, namespace))}
