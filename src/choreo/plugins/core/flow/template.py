"""io.kestra.plugin.core.flow.Template"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task, Tasks
from choreo.model.types import Text


class Template(Task):
    """Include the tasks of a stored template (deprecated: use a Subflow instead).

    ```yaml
    - id: template
      type: io.kestra.plugin.core.flow.Template
      namespace: io.kestra.tests
      templateId: template
      args:
        my-forward: "{{ inputs['with-string'] }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.Template"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.flows.Template",)
    deprecated: ClassVar[str | None] = "use io.kestra.plugin.core.flow.Subflow instead"
    task_kind = "flowable"

    namespace: str = Field(description="Namespace of the template.", examples=["company.team"])
    template_id: str = Field(description="Id of the template.", examples=["my-template"])
    args: dict[str, Text] | None = Field(
        default=None,
        description="Arguments passed to the template (rendered).",
        examples=[{"my-forward": "{{ inputs.value }}"}],
    )
    errors: Tasks | None = Field(default=None, description="Tasks to run when a task of the template fails.")
