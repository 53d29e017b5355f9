"""io.kestra.plugin.core.kv.GetKeys"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


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
