"""io.kestra.plugin.core.execution.SetVariables"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class SetVariables(Task):
    """Merge rendered values into the execution's variables (`{{ vars.* }}`); nested maps are merged deeply.

    ```yaml
    - id: set_vars
      type: io.kestra.plugin.core.execution.SetVariables
      variables:
        message: Hello
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.execution.SetVariables"

    variables: Dynamic[dict[str, Any]] = Field(
        description="The variables to set, by name; strings in them are rendered.", examples=[{"message": "Hello"}]
    )
    overwrite: Dynamic[bool] = Field(
        default=True, description="Replace variables that already exist; when false, an existing name fails the task."
    )
