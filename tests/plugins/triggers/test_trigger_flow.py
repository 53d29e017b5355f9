"""io.kestra.plugin.core.trigger.Flow: inputs, states, conditions and preconditions."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from pydantic import ValidationError

from choreo.model.state import State
from choreo.plugins.core.catalog import ExecutionFlow, ExecutionStatus, Flow
from choreo.plugins.core.condition._time_window import TimeWindowType
from choreo.plugins.core.trigger.flow import FilterField, FilterType, Operand
from plugins.triggers.trigger_helpers import problems, trigger


def test_conditions_and_inputs_from_upstream_outputs():
    f = trigger(
        """
        id: listen-flow
        type: io.kestra.plugin.core.trigger.Flow
        inputs:
          from-parent: "{{ outputs.only.value }}"
        conditions:
          - type: io.kestra.plugin.core.condition.ExecutionStatus
            in:
              - SUCCESS
          - type: io.kestra.plugin.core.condition.ExecutionFlow
            namespace: io.kestra.tests.trigger
            flowId: trigger-flow
        """
    )
    assert isinstance(f, Flow) and f.trigger_kind == "flow"
    assert f.inputs == {"from-parent": "{{ outputs.only.value }}"}
    status, flow = f.conditions
    assert isinstance(status, ExecutionStatus) and status.in_ == [State.SUCCESS]
    assert isinstance(flow, ExecutionFlow) and flow.flow_id == "trigger-flow"
    assert problems(f) == []


def test_states_default_to_every_terminal_state():
    f = trigger("id: f\ntype: io.kestra.plugin.core.trigger.Flow\n")
    assert f.states == [s for s in State if s.is_terminal]
    assert State.SUCCESS in f.states and State.RUNNING not in f.states


def test_states_can_include_running_and_paused():
    f = trigger("id: f\ntype: io.kestra.plugin.core.trigger.Flow\nstates: [RUNNING, PAUSED, SUCCESS]\n")
    assert f.states == [State.RUNNING, State.PAUSED, State.SUCCESS]


def test_created_is_never_seen():
    f = trigger("id: f\ntype: io.kestra.plugin.core.trigger.Flow\nstates: [CREATED, SUCCESS]\n")
    assert [path for path, _ in problems(f, "warning")] == [("states", 0)]


def test_preconditions_with_flows_and_where_filters():
    f = trigger(
        """
        id: flow
        type: io.kestra.plugin.core.trigger.Flow
        preconditions:
          id: flow
          resetOnSuccess: false
          timeWindow:
            type: SLIDING_WINDOW
            window: PT1H
          flows:
            - namespace: io.kestra.tests.trigger.preconditions
              flowId: flow-a
              states: [SUCCESS, WARNING, FAILED]
              labels:
                some: label
          where:
            - id: flow1
              operand: OR
              filters:
                - field: NAMESPACE
                  type: STARTS_WITH
                  value: io.kestra.tests.trigger
                - field: EXPRESSION
                  type: IS_TRUE
                  value: "{{ labels.some == 'label' }}"
                - field: STATE
                  type: IN
                  values: [SUCCESS, WARNING]
        """
    )
    p = f.preconditions
    assert p.id == "flow" and p.reset_on_success is False
    assert p.time_window.type is TimeWindowType.SLIDING_WINDOW and p.time_window.window == timedelta(hours=1)
    assert p.flows[0].flow_id == "flow-a" and p.flows[0].labels == {"some": "label"}
    group = p.where[0]
    assert group.operand is Operand.OR
    assert [(x.field, x.type) for x in group.filters] == [
        (FilterField.NAMESPACE, FilterType.STARTS_WITH),
        (FilterField.EXPRESSION, FilterType.IS_TRUE),
        (FilterField.STATE, FilterType.IN),
    ]
    assert problems(f) == []


def test_precondition_defaults():
    f = trigger("id: f\ntype: io.kestra.plugin.core.trigger.Flow\npreconditions:\n  id: p\n")
    p = f.preconditions
    assert p.time_window.type is TimeWindowType.DURATION_WINDOW and p.time_window.window is None
    assert p.reset_on_success is True and p.flows is None and p.where is None


def test_daily_deadline_window():
    f = trigger(
        "id: f\ntype: io.kestra.plugin.core.trigger.Flow\npreconditions:\n  id: p\n"
        "  timeWindow:\n    type: DAILY_TIME_DEADLINE\n    deadline: '09:00:00'\n"
    )
    assert f.preconditions.time_window.deadline == time(9)
    assert problems(f) == []


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (
            "type: DAILY_TIME_DEADLINE\n    window: PT1H",
            [
                (("timeWindow", "window"), "Time window of type `DAILY_TIME_DEADLINE` cannot have a window."),
                (("timeWindow", "deadline"), "Time window of type `DAILY_TIME_DEADLINE` must have a deadline."),
            ],
        ),
        (
            "type: DAILY_TIME_WINDOW\n    startTime: '06:00:00'",
            [(("timeWindow", "endTime"), "Time window of type `DAILY_TIME_WINDOW` must have an end time.")],
        ),
        (
            "type: SLIDING_WINDOW\n    windowAdvance: PT1H",
            [(("timeWindow", "windowAdvance"), "Time window of type `SLIDING_WINDOW` cannot have a window advance.")],
        ),
        (
            "deadline: '09:00:00'",
            [(("timeWindow", "deadline"), "Time window of type `DURATION_WINDOW` cannot have a deadline.")],
        ),
    ],
)
def test_time_window_problems(window: str, expected: list[tuple[tuple[str, ...], str]]):
    f = trigger(
        f"id: f\ntype: io.kestra.plugin.core.trigger.Flow\npreconditions:\n  id: p\n  timeWindow:\n    {window}\n"
    )
    assert problems(f) == [(("preconditions", *path), message) for path, message in expected]


@pytest.mark.parametrize(
    ("item", "path", "message"),
    [
        ("field: FLOW_ID\n          type: EQUAL_TO", "value", "`value` cannot be null for type EQUAL_TO"),
        ("field: STATE\n          type: IN\n          value: SUCCESS", "values", "`values` cannot be null for type IN"),
        (
            "field: STATE\n          type: NOT_IN\n          values: [FAILED]\n          value: x",
            "value",
            "`value` must be null for type NOT_IN",
        ),
        (
            "field: FLOW_ID\n          type: REGEX\n          value: a.*\n          values: [b]",
            "values",
            "`values` must be null for type REGEX",
        ),
    ],
)
def test_filter_value_or_values(item: str, path: str, message: str):
    f = trigger(
        "id: f\ntype: io.kestra.plugin.core.trigger.Flow\npreconditions:\n  id: p\n  where:\n"
        f"    - id: w\n      filters:\n        - {item}\n"
    )
    assert problems(f) == [(("preconditions", "where", 0, "filters", 0, path), message)]


def test_precondition_id_and_filters_are_required():
    with pytest.raises(ValidationError, match="id"):
        trigger("id: f\ntype: io.kestra.plugin.core.trigger.Flow\npreconditions:\n  flows: []\n")
    with pytest.raises(ValidationError, match="filters"):
        trigger("id: f\ntype: io.kestra.plugin.core.trigger.Flow\npreconditions:\n  id: p\n  where:\n    - id: w\n")
    with pytest.raises(ValidationError, match="pattern"):
        trigger("id: f\ntype: io.kestra.plugin.core.trigger.Flow\npreconditions:\n  id: 'bad id'\n")


def test_legacy_type_name_is_accepted():
    assert isinstance(trigger("id: f\ntype: io.kestra.core.models.triggers.types.Flow\n"), Flow)
