"""io.kestra.plugin.core.kv.Delete"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


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
