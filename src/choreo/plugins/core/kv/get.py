"""io.kestra.plugin.core.kv.Get"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class Get(Task):
    """Read a value from the namespace's key-value store; output `value` (null when the key is missing).

    ```yaml
    - id: kv_get
      type: io.kestra.plugin.core.kv.Get
      key: last_run
      errorOnMissing: true
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.kv.Get"

    key: Dynamic[str] = Field(description="The key.", examples=["last_run"])
    namespace: Dynamic[str] = Field(
        default="{{ flow.namespace }}", description="Namespace of the store; the flow's namespace by default."
    )
    error_on_missing: Dynamic[bool] = Field(default=False, description="Fail when the key has no value.")
