"""io.kestra.plugin.core.execution.Count"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.base import Part
from choreo.model.state import State
from choreo.model.task import Task
from choreo.model.types import Dynamic


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
