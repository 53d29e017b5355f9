"""io.kestra.plugin.core.execution.Fail"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic, Text
from choreo.plugins.context import RunContext, TaskFailed

#: What Kestra (`TruthUtils`) reads as false in a rendered condition.
FALSE_VALUES = frozenset({"false", "0", "-0", ""})


class Fail(Task):
    """Fail the task, always or only when `condition` is true, with `errorMessage`.

    As in Kestra, a failure on a condition logs `errorMessage` at ERROR and fails with "Fail on a condition";
    without a condition, the failure message is `errorMessage` itself. The condition is rendered as text:
    anything but `false`, `0`, `-0` and the empty string is true.

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

    async def run(self, ctx: RunContext) -> dict[str, Any] | None:
        if self.condition is None:
            raise TaskFailed(str(ctx.render(self.error_message)))
        if str(ctx.render(self.condition)) not in FALSE_VALUES:
            ctx.logger.error(str(ctx.render(self.error_message)))
            raise TaskFailed("Fail on a condition")
        return None
