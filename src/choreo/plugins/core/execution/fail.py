"""io.kestra.plugin.core.execution.Fail"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic, Text


class Fail(Task):
    """Fail the task, always or only when `condition` is true, with `errorMessage`.

    ```yaml
    - id: fail
      type: io.kestra.plugin.core.execution.Fail
      condition: "{{ inputs.param == 'fail' }}"
      errorMessage: Failing on purpose
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.execution.Fail"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.executions.Fail",)

    condition: Dynamic[Text] | None = Field(
        default=None,
        description="Fail only when this renders true (`false`, `0`, `-0` and empty are false); always when unset.",
        examples=["{{ inputs.param == 'fail' }}"],
    )
    error_message: Dynamic[Text] = Field(default="Task failure", description="The error message.")
