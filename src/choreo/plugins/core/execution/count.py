"""io.kestra.plugin.core.execution.Count"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from choreo.model.base import Part
from choreo.model.state import State
from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core._instants import instant


class FlowRef(Part):
    """A flow, by namespace and id."""

    namespace: str = Field(description="Namespace of the flow.", examples=["company.team"])
    flow_id: str = Field(description="Id of the flow.", examples=["etl"])


class Count(Task):
    """Count executions per flow between two dates and keep the flows for which `expression` is true.

    Outputs `results` (`{namespace, flowId, count}` per kept flow) and `total`.

    ```yaml
    - id: counts
      type: io.kestra.plugin.core.execution.Count
      namespaces:
        - company.team
      states:
        - SUCCESS
      startDate: "{{ now() | dateAdd(-1, 'DAYS') }}"
      expression: "{{ count == 0 }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.execution.Count"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.tasks.executions.Counts",
        "io.kestra.plugin.core.execution.Counts",
    )

    flows: list[FlowRef] | None = Field(
        default=None, description="The flows to count; when unset, `namespaces` must be set."
    )
    states: Dynamic[list[State]] | None = Field(
        default=None, description="Count only executions in these states.", examples=[["SUCCESS"]]
    )
    start_date: Dynamic[str] = Field(
        description="Count executions after this date (ISO-8601).", examples=["{{ now() | dateAdd(-1, 'DAYS') }}"]
    )
    end_date: Dynamic[str] | None = Field(default=None, description="Count executions before this date (ISO-8601).")
    expression: Dynamic[str] = Field(
        description="Rendered for each flow with its `count`; the flow is kept when it renders `true`.",
        examples=["{{ count == 0 }}"],
    )
    namespaces: Dynamic[list[str]] | None = Field(
        default=None, description="The namespaces whose flows to count.", examples=[["company.team"]]
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        namespaces = [str(n) for n in ctx.render(self.namespaces) or ()]
        flows = [(flow.namespace, flow.flow_id) for flow in self.flows or ()]
        if not namespaces and not flows:
            raise TaskFailed("give `flows` or `namespaces`: which flows' executions to count", retryable=False)
        counts = ctx.admin.count_executions(
            after=instant(ctx.render(self.start_date), "startDate"),
            before=instant(ctx.render(self.end_date), "endDate") if self.end_date else None,
            states=[State(s) for s in ctx.render(self.states) or ()] or None,
            namespaces=namespaces or None,
            flows=flows or None,
        )
        results = []
        for namespace, flow_id, count in counts:
            kept = ctx.render(self.expression, {"count": count})
            if str(kept).strip().lower() == "true":
                results.append({"namespace": namespace, "flowId": flow_id, "count": count})
        ctx.logger.info(f"{len(results)} of {len(counts)} flows kept by the expression")
        return {"results": results, "total": len(results)}
