"""io.kestra.plugin.core.execution.Resume"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class Resume(Task):
    """Resume a paused execution: the current one by default, or `executionId`, with `onResume` inputs.

    ```yaml
    - id: resume
      type: io.kestra.plugin.core.execution.Resume
      executionId: "{{ trigger.executionId }}"
      inputs:
        approved: true
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.execution.Resume"

    namespace: Dynamic[str] | None = Field(
        default=None, description="Namespace of the flow of the execution to resume (to make permissions explicit)."
    )
    flow_id: Dynamic[str] | None = Field(default=None, description="Id of the flow of the execution to resume.")
    execution_id: Dynamic[str] | None = Field(
        default=None,
        description="The execution to resume; when unset, the paused execution of `namespace`/`flowId`, "
        "else the current one.",
        examples=["{{ trigger.executionId }}"],
    )
    inputs: Dynamic[dict[str, Any]] | None = Field(
        default=None, description="Values for the `onResume` inputs of the Pause task.", examples=[{"approved": True}]
    )
