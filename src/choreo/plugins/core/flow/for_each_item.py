"""io.kestra.plugin.core.flow.ForEachItem"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field, PositiveInt

from choreo.model.base import Part
from choreo.model.labels import Labels
from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import Task, Tasks
from choreo.model.types import Dynamic
from choreo.plugins.core.flow.subflow import child_flow_problems
from choreo.plugins.core.parts import RestartBehavior


class Batch(Part):
    """How to cut the items file into batches: by `rows`, `bytes`, `partitions` or `regexPattern`."""

    rows: Dynamic[PositiveInt] | None = Field(default=1, description="Number of items (lines) per batch.")
    bytes: Dynamic[str] | None = Field(default=None, description="Size of each batch.", examples=["10MB"])
    partitions: Dynamic[PositiveInt] | None = Field(default=None, description="Number of batches.", examples=[8])
    separator: Dynamic[str] = Field(default="\n", description="The separator between two items.")
    regex_pattern: Dynamic[str] | None = Field(
        default=None, description="Group the lines by the value of the first capture group of this pattern."
    )


class ForEachItem(Task):
    """Split a file of items into batches and run one execution of a subflow per batch.

    The subflow gets the batch file as `{{ taskrun.items }}` and its position as `{{ taskrun.iteration }}`.
    Outputs `iterations` (count per state), `numberOfBatches` and `uri` (the merged subflow outputs).

    ```yaml
    - id: each
      type: io.kestra.plugin.core.flow.ForEachItem
      items: "{{ inputs.file }}"
      batch:
        rows: 4
      namespace: company.team
      flowId: subflow
      inputs:
        items: "{{ taskrun.items }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.ForEachItem"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.flows.ForEachItem",)
    task_kind = "executable"

    items: Dynamic[str] = Field(
        min_length=1,
        description="Internal-storage URI (kestra://) of the file of items, one item per line.",
        examples=["{{ inputs.file }}", "{{ outputs.extract.uri }}"],
    )
    batch: Batch = Field(default_factory=Batch, description="How to split the items into batches.")
    namespace: Dynamic[str] = Field(
        min_length=1, description="Namespace of the flow to run.", examples=["company.team"]
    )
    flow_id: Dynamic[str] = Field(min_length=1, description="Id of the flow to run.", examples=["subflow"])
    revision: PositiveInt | None = Field(
        default=None, description="Revision of the flow to run; the latest when unset."
    )
    inputs: dict[str, Any] | None = Field(
        default=None,
        description="Inputs of each child execution (values are rendered; `{{ taskrun.items }}` is the batch).",
        examples=[{"items": "{{ taskrun.items }}"}],
    )
    labels: Labels | None = Field(
        default=None, description="Labels of the child executions, as a map or a list of `{key, value}`."
    )
    wait: bool = Field(default=True, description="Wait for the child executions to end before going on.")
    transmit_failed: bool = Field(
        default=True,
        description="Fail this task when a child execution fails or is killed (only when `wait` is true).",
    )
    inherit_labels: bool = Field(
        default=False, description="Copy the labels of the current execution onto the child executions."
    )
    schedule_date: Dynamic[datetime] | None = Field(
        default=None, description="Schedule the child executions for this date instead of starting them now."
    )
    restart_behavior: RestartBehavior = Field(
        default=RestartBehavior.RETRY_FAILED,
        description="On restart: RETRY_FAILED restarts the failed child executions, NEW_EXECUTION creates new ones.",
    )
    errors: Tasks | None = Field(default=None, description="Tasks to run when this task fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        yield from child_flow_problems(self.namespace, self.flow_id, self.labels, scope)
