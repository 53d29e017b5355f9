"""io.kestra.plugin.core.execution.Assert"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.expr.truth import truthy
from choreo.model.task import Task
from choreo.model.types import Dynamic, Text
from choreo.plugins.context import RunContext, TaskFailed


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

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        failed = 0
        for condition in self.conditions:
            if not truthy(ctx.render(condition)):
                failed += 1
                ctx.logger.error(f"Assertion `{condition}` failed!")
        ctx.metric("success", len(self.conditions) - failed)
        ctx.metric("failed", failed)
        if failed:
            message = f"{failed} assertion(s) failed"
            if self.error_message:
                message += f": {ctx.render(self.error_message)}"
            raise TaskFailed(message, retryable=False)
        return {}
