"""io.kestra.plugin.core.templating.TemplatedTask"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class TemplatedTask(Task):
    """Render `spec` into the YAML of a runnable task, then run that task.

    ```yaml
    - id: templated_task
      type: io.kestra.plugin.core.templating.TemplatedTask
      spec: |
        type: io.kestra.plugin.core.log.Log
        message: "{{ inputs.message }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.templating.TemplatedTask"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.templating.TemplatedTask",)

    spec: Dynamic[str] = Field(
        description="The task to run, as YAML (`type` and properties), rendered first; it must be a runnable task "
        "other than TemplatedTask.",
        examples=["type: io.kestra.plugin.core.log.Log\nmessage: hello"],
    )
