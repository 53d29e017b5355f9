"""io.kestra.plugin.core.execution.Assert"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic, Text


class Assert(Task):
    """Fail when one of the conditions renders false (`false`, `0`, `-0` or empty); metrics `success`, `failed`.

    ```yaml
    - id: assert
      type: io.kestra.plugin.core.execution.Assert
      conditions:
        - "{{ inputs.param == 'ok' }}"
      errorMessage: Unexpected input
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.execution.Assert"

    conditions: list[Dynamic[Text]] = Field(
        description="The conditions, each rendered then read as a boolean.", examples=[["{{ outputs.a.value > 0 }}"]]
    )
    error_message: Dynamic[str] | None = Field(
        default=None, description="Text added to the error when an assertion fails."
    )
