"""io.kestra.plugin.core.log.PurgeLogs"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, PositiveInt

from choreo.model.task import LogLevel, Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext
from choreo.plugins.core._instants import instant


class PurgeLogs(Task):
    """Delete logs older than `endDate` (and newer than `startDate`), optionally for one namespace or flow.

    Outputs `count`, `executionLogsCount` and `nonExecutionLogsCount`.

    ```yaml
    - id: purge_logs
      type: io.kestra.plugin.core.log.PurgeLogs
      endDate: "{{ now() | dateAdd(-1, 'MONTHS') }}"
      logLevels: [TRACE, DEBUG]
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.log.PurgeLogs"

    namespace: Dynamic[str] | None = Field(
        default=None, description="Namespace of the logs: a prefix, or the flow's namespace when `flowId` is set."
    )
    flow_id: Dynamic[str] | None = Field(default=None, description="Only the logs of this flow (requires `namespace`).")
    execution_id: Dynamic[str] | None = Field(default=None, description="Only the logs of this execution.")
    log_levels: Dynamic[list[LogLevel]] | None = Field(
        default=None, description="Only the logs of these levels; all levels when unset.", examples=[["DEBUG"]]
    )
    start_date: Dynamic[str] | None = Field(
        default=None, description="Only the logs after this date (ISO-8601).", examples=["2024-01-01T00:00:00Z"]
    )
    end_date: Dynamic[str] = Field(
        description="Only the logs before this date (ISO-8601).", examples=["{{ now() | dateAdd(-1, 'MONTHS') }}"]
    )
    purge_execution_logs: Dynamic[bool] = Field(default=True, description="Delete the logs of executions.")
    purge_non_execution_logs: Dynamic[bool] = Field(
        default=True, description="Delete the logs attached to no execution (trigger logs…)."
    )
    batch_size: Dynamic[PositiveInt] | None = Field(
        default=None, description="Delete in batches of this many rows; all at once when unset."
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        of_executions, of_nothing_else = ctx.admin.purge_logs(
            before=instant(ctx.render(self.end_date), "endDate"),
            after=instant(ctx.render(self.start_date), "startDate") if self.start_date else None,
            namespace=str(ctx.render(self.namespace)) if self.namespace else None,
            flow_id=str(ctx.render(self.flow_id)) if self.flow_id else None,
            execution_id=str(ctx.render(self.execution_id)) if self.execution_id else None,
            levels=[str(level) for level in ctx.render(self.log_levels) or ()] or None,
            of_executions=bool(ctx.render(self.purge_execution_logs)),
            of_nothing_else=bool(ctx.render(self.purge_non_execution_logs)),
        )
        ctx.logger.info(f"{of_executions + of_nothing_else} log lines deleted")
        return {
            "count": of_executions + of_nothing_else,
            "executionLogsCount": of_executions,
            "nonExecutionLogsCount": of_nothing_else,
        }
