"""io.kestra.plugin.core.flow.If"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task, Tasks
from choreo.model.types import Dynamic, Text


class If(Task):
    """Run `then` when the condition is true, `else` otherwise; output `evaluationResult`.

    The rendered condition is false when it is `false`, `0`, `-0`, an empty string or null, and true otherwise.

    ```yaml
    - id: if
      type: io.kestra.plugin.core.flow.If
      condition: "{{ inputs.string == 'Condition' }}"
      then:
        - id: when_true
          type: io.kestra.plugin.core.log.Log
          message: Condition was true
      else:
        - id: when_false
          type: io.kestra.plugin.core.log.Log
          message: Condition was false
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.If"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.flows.If",)
    task_kind = "flowable"

    condition: Dynamic[Text] = Field(
        description="The condition, rendered then read as a boolean.", examples=["{{ inputs.enabled }}"]
    )
    then: Tasks = Field(min_length=1, description="Tasks to run when the condition is true.")
    else_: Tasks | None = Field(default=None, alias="else", description="Tasks to run when the condition is false.")
    errors: Tasks | None = Field(default=None, description="Tasks to run when a child task fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )
