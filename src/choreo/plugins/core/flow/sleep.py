"""io.kestra.plugin.core.flow.Sleep"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Duration, Dynamic


class Sleep(Task):
    """Wait for a duration, on a worker.

    ```yaml
    - id: sleep
      type: io.kestra.plugin.core.flow.Sleep
      duration: PT5S
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.Sleep"

    duration: Dynamic[Duration] = Field(description="How long to sleep (ISO-8601).", examples=["PT5S", "PT1M"])
