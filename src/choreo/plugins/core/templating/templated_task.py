"""io.kestra.plugin.core.templating.TemplatedTask"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.errors import FlowInvalid
from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed


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

    async def run(self, ctx: RunContext) -> Any:
        spec = ctx.render(self.spec)
        if not isinstance(spec, str):
            raise TaskFailed(f"spec must render to YAML text, got {type(spec).__name__}", retryable=False)
        try:
            task = ctx.load_task(spec)
        except FlowInvalid as exc:
            raise TaskFailed(f"the rendered spec is not a valid task:\n{exc}", retryable=False) from None
        runner = getattr(task, "run", None)
        if isinstance(task, TemplatedTask) or task.task_kind != "runnable" or runner is None:
            raise TaskFailed(f"the rendered spec must be a runnable task, got '{task.type}'", retryable=False)
        return await runner(ctx)
