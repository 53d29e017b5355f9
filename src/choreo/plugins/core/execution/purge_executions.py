"""io.kestra.plugin.core.execution.PurgeExecutions"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, PositiveInt

from choreo.model.state import State
from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext
from choreo.plugins.core._instants import instant


class PurgeExecutions(Task):
    """Delete executions, and their logs, metrics and files, that ended before `endDate`.

    Outputs `executionsCount`, `logsCount`, `metricsCount`, `storagesCount`.

    ```yaml
    - id: purge
      type: io.kestra.plugin.core.execution.PurgeExecutions
      endDate: "{{ now() | dateAdd(-1, 'MONTHS') }}"
      states: [SUCCESS]
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.execution.PurgeExecutions"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.Purge", "io.kestra.plugin.core.storage.Purge")

    namespace: Dynamic[str] | None = Field(
        default=None, description="Namespace of the executions: a prefix, or the flow's namespace with `flowId`."
    )
    flow_id: Dynamic[str] | None = Field(
        default=None, description="Only the executions of this flow (requires `namespace`)."
    )
    start_date: Dynamic[str] | None = Field(
        default=None, description="Only executions after this date (ISO-8601).", examples=["2024-01-01T00:00:00Z"]
    )
    end_date: Dynamic[str] = Field(
        description="Only executions before this date (ISO-8601).", examples=["{{ now() | dateAdd(-1, 'MONTHS') }}"]
    )
    states: Dynamic[list[State]] | None = Field(
        default=None, description="Only executions in these states; any state when unset.", examples=[["SUCCESS"]]
    )
    purge_execution: Dynamic[bool] = Field(default=True, description="Delete the executions themselves.")
    purge_log: Dynamic[bool] = Field(default=True, description="Delete the logs of the executions.")
    purge_metric: Dynamic[bool] = Field(default=True, description="Delete the metrics of the executions.")
    purge_storage: Dynamic[bool] = Field(
        default=True, description="Delete the internal-storage files of the executions."
    )
    batch_size: Dynamic[PositiveInt] = Field(default=100, description="How many executions to delete per batch.")

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        counts = ctx.admin.purge_executions(
            before=instant(ctx.render(self.end_date), "endDate"),
            after=instant(ctx.render(self.start_date), "startDate") if self.start_date else None,
            namespace=str(ctx.render(self.namespace)) if self.namespace else None,
            flow_id=str(ctx.render(self.flow_id)) if self.flow_id else None,
            states=[State(s) for s in ctx.render(self.states) or ()] or None,
            executions=bool(ctx.render(self.purge_execution)),
            logs=bool(ctx.render(self.purge_log)),
            metrics=bool(ctx.render(self.purge_metric)),
            files=bool(ctx.render(self.purge_storage)),
            batch_size=int(ctx.render(self.batch_size)),
        )
        ctx.logger.info(", ".join(f"{name}: {value}" for name, value in counts.items()))
        return counts
