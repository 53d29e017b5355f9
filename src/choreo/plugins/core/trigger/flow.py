"""io.kestra.plugin.core.trigger.Flow"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.base import Part
from choreo.model.plugin import Path, Problem, ValidationScope
from choreo.model.state import State
from choreo.model.task import TASK_ID_PATTERN
from choreo.model.trigger import Trigger
from choreo.model.types import Text
from choreo.plugins.core.condition._time_window import TimeWindow


class Operand(enum.StrEnum):
    AND = "AND"
    OR = "OR"


class FilterField(enum.StrEnum):
    FLOW_ID = "FLOW_ID"
    NAMESPACE = "NAMESPACE"
    STATE = "STATE"
    EXPRESSION = "EXPRESSION"


class FilterType(enum.StrEnum):
    EQUAL_TO = "EQUAL_TO"
    NOT_EQUAL_TO = "NOT_EQUAL_TO"
    IN = "IN"
    NOT_IN = "NOT_IN"
    IS_TRUE = "IS_TRUE"
    IS_FALSE = "IS_FALSE"
    IS_NULL = "IS_NULL"
    IS_NOT_NULL = "IS_NOT_NULL"
    STARTS_WITH = "STARTS_WITH"
    ENDS_WITH = "ENDS_WITH"
    REGEX = "REGEX"
    CONTAINS = "CONTAINS"


#: Filter types compared with a list of `values`; every other type needs a single `value`.
LIST_FILTER_TYPES = frozenset({FilterType.IN, FilterType.NOT_IN})


class UpstreamFlow(Part):
    """An upstream flow whose executions meet the precondition."""

    namespace: str = Field(min_length=1, description="The namespace of the flow.", examples=["company.team"])
    flow_id: str | None = Field(
        default=None, description="The flow id; any flow of the namespace when unset.", examples=["extract"]
    )
    states: list[State] | None = Field(
        default=None, description="The states its execution must end in; any when unset.", examples=[["SUCCESS"]]
    )
    labels: dict[str, Any] | None = Field(
        default=None, description="Labels its execution must carry.", examples=[{"env": "prod"}]
    )


class Filter(Part):
    """One test on the upstream execution: `field` compared by `type` with `value` or `values`."""

    field: FilterField = Field(
        description="What is tested: FLOW_ID, NAMESPACE, STATE, or EXPRESSION (the rendered `value`)."
    )
    type: FilterType = Field(
        description="The comparison; IN and NOT_IN take `values`, all others take `value`.", examples=["STARTS_WITH"]
    )
    value: Text | None = Field(
        default=None, description="The single value (the expression, for EXPRESSION).", examples=["company"]
    )
    values: list[Text] | None = Field(
        default=None, description="The values, for IN and NOT_IN.", examples=[["SUCCESS", "WARNING"]]
    )

    def problems(self, path: Path) -> Iterable[Problem]:
        """Kestra's `PreconditionFilterValidation`: `value` or `values`, as the type needs."""
        if self.type in LIST_FILTER_TYPES:
            if self.values is None:
                yield Problem((*path, "values"), f"`values` cannot be null for type {self.type}")
            elif self.value is not None:
                yield Problem((*path, "value"), f"`value` must be null for type {self.type}")
        elif self.value is None:
            yield Problem((*path, "value"), f"`value` cannot be null for type {self.type}")
        elif self.values is not None:
            yield Problem((*path, "values"), f"`values` must be null for type {self.type}")


class ExecutionFilter(Part):
    """A named group of filters, combined with `operand`, that some upstream execution must pass."""

    id: str = Field(min_length=1, description="Unique id of the filter group.", examples=["company"])
    operand: Operand = Field(default=Operand.AND, description="How the filters combine: AND (default) or OR.")
    filters: list[Filter] = Field(min_length=1, description="The filters.")


class Preconditions(Part):
    """Upstream executions that must all have happened within the time window before the trigger fires."""

    id: str = Field(
        pattern=TASK_ID_PATTERN,
        description="Unique id of the preconditions; their evaluation state is stored under it.",
        examples=["upstream"],
    )
    time_window: TimeWindow = Field(
        default_factory=TimeWindow,
        description="The window in which all preconditions must be met (default: DURATION_WINDOW of one day).",
    )
    reset_on_success: bool = Field(
        default=True,
        description="Forget the results once all preconditions were met, so they must all be met again in the "
        "same window before the trigger fires again.",
    )
    flows: list[UpstreamFlow] | None = Field(
        default=None, description="Upstream flows: each must have an execution matching it."
    )
    where: list[ExecutionFilter] | None = Field(
        default=None, description="Filter groups: each must be passed by some upstream execution."
    )

    def problems(self, path: Path) -> Iterable[Problem]:
        yield from self.time_window.problems((*path, "timeWindow"))
        for index, group in enumerate(self.where or ()):
            for position, item in enumerate(group.filters):
                yield from item.problems((*path, "where", index, "filters", position))


def _terminal_states() -> list[State]:
    return [state for state in State if state.is_terminal]


class Flow(Trigger):
    """Start the flow when executions of other flows change state (by default: when they end).

    Evaluated by the executor on each state change of any execution; `preconditions` (and `conditions`) select
    which upstream executions count. The new execution gets `trigger.executionId`, `trigger.namespace`,
    `trigger.flowId`, `trigger.flowRevision`, `trigger.state` and `trigger.outputs`.

    ```yaml
    triggers:
      - id: run_after_extract
        type: io.kestra.plugin.core.trigger.Flow
        inputs:
          date: "{{ trigger.outputs.date }}"
        preconditions:
          id: flows
          flows:
            - namespace: company.team
              flowId: extract
              states: [SUCCESS]
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.trigger.Flow"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.models.triggers.types.Flow",)
    trigger_kind: ClassVar[str] = "flow"

    inputs: dict[str, Any] | None = Field(
        default=None,
        description="Inputs of the execution it creates; values are rendered and may use `trigger.outputs`, the "
        "upstream flow's outputs.",
        examples=[{"date": "{{ trigger.outputs.date }}"}],
    )
    states: list[State] = Field(
        default_factory=_terminal_states,
        description="The upstream state changes that are evaluated (default: every terminal state). "
        "CREATED is never seen: it is not a transition.",
        examples=[["SUCCESS", "WARNING"]],
    )
    preconditions: Preconditions | None = Field(
        default=None, description="Upstream executions that must have happened within a time window."
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        if self.preconditions is not None:
            yield from self.preconditions.problems(("preconditions",))
        if State.CREATED in self.states:
            index = self.states.index(State.CREATED)
            yield Problem(
                ("states", index), "a Flow trigger never sees CREATED: it reacts to state transitions", "warning"
            )
