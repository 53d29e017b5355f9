"""io.kestra.plugin.core.execution.UnsetVariables"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class UnsetVariables(Task):
    """Remove variables from the execution; dotted names reach into nested maps.

    ```yaml
    - id: unset_vars
      type: io.kestra.plugin.core.execution.UnsetVariables
      variables:
        - message
        - nested.name
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.execution.UnsetVariables"

    variables: Dynamic[list[str]] = Field(description="Names of the variables to remove.", examples=[["message"]])
    ignore_missing: Dynamic[bool] = Field(
        default=False, description="Ignore names that are not set instead of failing."
    )
