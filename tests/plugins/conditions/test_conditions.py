"""The core conditions: Kestra's YAML reads into each type, with its defaults and checks.

Nested conditions (Not, Or, MultipleCondition) are resolved by the loader through the registry; here they are
validated as condition classes directly.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from choreo.model.condition import Condition
from choreo.model.plugin import PluginModel, ValidationScope
from choreo.model.state import State
from choreo.plugins.core.catalog import (
    CONDITIONS,
    DateTimeBetween,
    DayWeek,
    DayWeekInMonth,
    ExecutionFlow,
    ExecutionLabels,
    ExecutionNamespace,
    ExecutionOutputs,
    ExecutionStatus,
    Expression,
    FlowCondition,
    FlowNamespaceCondition,
    HasRetryAttempt,
    MultipleCondition,
    Not,
    Or,
    PublicHoliday,
    TimeBetween,
    Weekend,
)
from choreo.plugins.core.condition._dates import DayOfWeek
from choreo.plugins.core.condition._time_window import TimeWindowType
from choreo.plugins.core.condition.day_week_in_month import DayInMonth
from choreo.plugins.core.condition.execution_namespace import Comparison
from choreo.plugins.registry import PluginRegistry

REGISTRY = PluginRegistry(CONDITIONS)


def read(text: str, **nested: Any) -> Condition:
    """A condition from its YAML mapping, its type resolved through the registry; `nested` replaces properties."""
    data = {**yaml.safe_load(text), **nested}
    cls = REGISTRY.resolve("condition", data["type"])
    assert cls is not None, data["type"]
    return cls.model_validate(data)


def issues(model: PluginModel, severity: str = "error") -> list[tuple[tuple[str | int, ...], str]]:
    return [(p.path, p.message) for p in model.problems(ValidationScope()) if p.severity == severity]


def test_execution_status():
    c = read("type: io.kestra.plugin.core.condition.ExecutionStatus\nin: [SUCCESS]\nnotIn: [FAILED, KILLED]\n")
    assert isinstance(c, ExecutionStatus)
    assert c.in_ == [State.SUCCESS] and c.not_in == [State.FAILED, State.KILLED]
    assert ExecutionStatus.property_names() == ["type", "in", "notIn"]


def test_execution_status_without_states_is_accepted_as_in_kestra():
    c = read("type: io.kestra.plugin.core.condition.ExecutionStatus\n")
    assert c.in_ is None and c.not_in is None and issues(c) == []


def test_execution_status_rejects_unknown_states():
    with pytest.raises(ValidationError, match="in"):
        read("type: io.kestra.plugin.core.condition.ExecutionStatus\nin: [DONE]\n")


def test_legacy_names_read_the_same():
    for name in (
        "io.kestra.core.models.conditions.types.ExecutionStatusCondition",
        "io.kestra.plugin.core.condition.ExecutionStatusCondition",
    ):
        assert isinstance(read(f"type: {name}\nin: [FAILED]\n"), ExecutionStatus)


def test_execution_flow_and_its_deprecated_twin():
    c = read("type: io.kestra.plugin.core.condition.ExecutionFlow\nnamespace: company.team\nflowId: upstream\n")
    assert isinstance(c, ExecutionFlow) and (c.namespace, c.flow_id) == ("company.team", "upstream")
    old = read("type: io.kestra.plugin.core.condition.FlowCondition\nnamespace: company.team\nflowId: upstream\n")
    assert isinstance(old, FlowCondition) and FlowCondition.deprecated
    with pytest.raises(ValidationError, match="flowId"):
        read("type: io.kestra.plugin.core.condition.ExecutionFlow\nnamespace: company.team\n")


def test_execution_namespace_comparisons():
    c = read("type: io.kestra.plugin.core.condition.ExecutionNamespace\nnamespace: io.kestra.tests.trigger\n")
    assert isinstance(c, ExecutionNamespace) and c.effective_comparison is Comparison.EQUALS
    suffix = read("type: io.kestra.plugin.core.condition.ExecutionNamespace\nnamespace: team\ncomparison: SUFFIX\n")
    assert suffix.effective_comparison is Comparison.SUFFIX and issues(suffix, "warning") == []
    legacy = read("type: io.kestra.plugin.core.condition.ExecutionNamespace\nnamespace: company\nprefix: true\n")
    assert legacy.effective_comparison is Comparison.PREFIX
    assert [path for path, _ in issues(legacy, "warning")] == [("prefix",)]
    old = read("type: io.kestra.plugin.core.condition.FlowNamespaceCondition\nnamespace: io.kestra\nprefix: true\n")
    assert isinstance(old, FlowNamespaceCondition) and old.prefix is True


def test_execution_labels_as_map_or_list():
    as_map = read("type: io.kestra.plugin.core.condition.ExecutionLabels\nlabels:\n  owner: john.doe\n  tier: 1\n")
    assert isinstance(as_map, ExecutionLabels)
    assert [(label.key, label.value) for label in as_map.labels] == [("owner", "john.doe"), ("tier", "1")]
    as_list = read(
        "type: io.kestra.plugin.core.condition.ExecutionLabelsCondition\nlabels:\n  - key: owner\n    value: jane\n"
    )
    assert as_list.labels[0].value == "jane"
    with pytest.raises(ValidationError, match="labels"):
        read("type: io.kestra.plugin.core.condition.ExecutionLabels\n")


def test_expression_and_execution_outputs():
    e = read('type: io.kestra.plugin.core.condition.ExpressionCondition\nexpression: "{{ unknown is defined }}"\n')
    assert isinstance(e, Expression) and e.expression == "{{ unknown is defined }}"
    o = read(
        "type: io.kestra.plugin.core.condition.ExecutionOutputs\n"
        "expression: \"{{ trigger.outputs.status_code == '200' }}\"\n"
    )
    assert isinstance(o, ExecutionOutputs)
    with pytest.raises(ValidationError, match="expression"):
        read("type: io.kestra.plugin.core.condition.Expression\nexpression: ''\n")


def test_has_retry_attempt():
    c = read("type: io.kestra.plugin.core.condition.HasRetryAttempt\nin: [KILLED]\n")
    assert isinstance(c, HasRetryAttempt) and c.in_ == [State.KILLED]


def test_date_conditions_default_to_the_trigger_date():
    for text in (
        "type: io.kestra.plugin.core.condition.Weekend\n",
        "type: io.kestra.plugin.core.condition.DayWeek\ndayOfWeek: MONDAY\n",
        "type: io.kestra.plugin.core.condition.PublicHoliday\ncountry: FR\n",
        "type: io.kestra.plugin.core.condition.DateTimeBetween\nafter: 2024-01-01T08:30:00Z\n",
        "type: io.kestra.plugin.core.condition.TimeBetween\nafter: '16:19:12+02:00'\n",
    ):
        assert read(text).date == "{{ trigger.date }}"


def test_date_time_between():
    c = read(
        'type: io.kestra.plugin.core.condition.DateTimeBetween\ndate: "{{ execution.startDate }}"\n'
        'after: "2024-01-01T08:30:00Z"\nbefore: 2024-12-31T23:30:00+01:00\n'
    )
    assert isinstance(c, DateTimeBetween)
    assert c.after == datetime(2024, 1, 1, 8, 30, tzinfo=UTC)
    assert c.before == datetime(2024, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=1)))
    assert issues(c) == [] and issues(c, "warning") == []
    with pytest.raises(ValidationError, match="after"):
        read("type: io.kestra.plugin.core.condition.DateTimeBetween\nafter: '2024-01-01T08:30:00'\n")
    bare = read("type: io.kestra.plugin.core.condition.DateTimeBetween\n")
    assert [path for path, _ in issues(bare, "warning")] == [()]


def test_time_between_needs_offsets():
    c = read("type: io.kestra.plugin.core.condition.TimeBetween\nafter: '08:00:00+02:00'\nbefore: '18:00:00Z'\n")
    assert isinstance(c, TimeBetween)
    assert c.after == time(8, tzinfo=timezone(timedelta(hours=2)))
    with pytest.raises(ValidationError, match="offset"):
        read("type: io.kestra.plugin.core.condition.TimeBetween\nafter: '08:00:00'\n")
    templated = read('type: io.kestra.plugin.core.condition.TimeBetween\nafter: "{{ vars.opening }}"\n')
    assert templated.after == "{{ vars.opening }}"


def test_day_week_and_day_week_in_month():
    d = read('type: io.kestra.plugin.core.condition.DayWeek\ndayOfWeek: "MONDAY"\n')
    assert isinstance(d, DayWeek) and d.day_of_week is DayOfWeek.MONDAY
    m = read(
        'type: io.kestra.plugin.core.condition.DayWeekInMonth\ndate: "{{ trigger.date }}"\n'
        "dayOfWeek: FRIDAY\ndayInMonth: LAST\n"
    )
    assert isinstance(m, DayWeekInMonth) and m.day_in_month is DayInMonth.LAST
    with pytest.raises(ValidationError, match="dayInMonth"):
        read("type: io.kestra.plugin.core.condition.DayWeekInMonth\ndayOfWeek: FRIDAY\ndayInMonth: FIFTH\n")
    with pytest.raises(ValidationError, match="dayOfWeek"):
        read("type: io.kestra.plugin.core.condition.DayWeek\n")


def test_public_holiday():
    c = read("type: io.kestra.plugin.core.condition.PublicHoliday\ncountry: US\nsubDivision: CA\n")
    assert isinstance(c, PublicHoliday) and (c.country, c.sub_division) == ("US", "CA")


def test_not_and_or_hold_conditions():
    holiday = PublicHoliday(type=PublicHoliday.type_name, country="FR")
    weekend = Weekend(type=Weekend.type_name)
    n = read("type: io.kestra.plugin.core.condition.Not\n", conditions=[holiday, weekend])
    assert isinstance(n, Not) and n.conditions == [holiday, weekend]
    o = read("type: io.kestra.core.models.conditions.types.OrCondition\n", conditions=[weekend])
    assert isinstance(o, Or)
    with pytest.raises(ValidationError, match="conditions"):
        read("type: io.kestra.plugin.core.condition.Not\n", conditions=[])


def test_multiple_condition_with_deprecated_window():
    flow_a = ExecutionFlow(type=ExecutionFlow.type_name, namespace="io.kestra.tests.trigger", flow_id="flow-a")
    success = ExecutionStatus(type=ExecutionStatus.type_name, in_=[State.SUCCESS])
    m = read(
        "id: multiple\ntype: io.kestra.plugin.core.condition.MultipleCondition\nwindow: P1D\nwindowAdvance: P0D\n",
        conditions={"success": success, "flow-a": flow_a},
    )
    assert isinstance(m, MultipleCondition)
    assert list(m.conditions) == ["success", "flow-a"]
    assert m.time_window.window is None
    effective = m.effective_time_window
    assert effective.type is TimeWindowType.DURATION_WINDOW
    assert (effective.window, effective.window_advance) == (timedelta(days=1), timedelta(0))
    assert m.reset_on_success is True
    assert issues(m) == []
    assert [path for path, _ in issues(m, "warning")] == [("window",), ("windowAdvance",)]


def test_multiple_condition_time_window():
    flow_a = ExecutionFlow(type=ExecutionFlow.type_name, namespace="company", flow_id="a")
    m = read(
        "id: sla\ntype: io.kestra.plugin.core.condition.MultipleCondition\nresetOnSuccess: false\n"
        "timeWindow:\n  type: DAILY_TIME_WINDOW\n  startTime: '06:00:00'\n  endTime: '09:00:00'\n",
        conditions={"a": flow_a},
    )
    assert m.time_window.start_time == time(6) and m.reset_on_success is False
    assert issues(m) == []
    bad = read(
        "id: sla\ntype: io.kestra.plugin.core.condition.MultipleCondition\ntimeWindow:\n  type: DAILY_TIME_WINDOW\n",
        conditions={"a": flow_a},
    )
    assert issues(bad) == [
        (("timeWindow", "startTime"), "Time window of type `DAILY_TIME_WINDOW` must have a start time."),
        (("timeWindow", "endTime"), "Time window of type `DAILY_TIME_WINDOW` must have an end time."),
    ]


def test_multiple_condition_needs_an_id_and_conditions():
    with pytest.raises(ValidationError, match="id"):
        read("type: io.kestra.plugin.core.condition.MultipleCondition\n", conditions={"a": Weekend(type="x")})
    with pytest.raises(ValidationError, match="conditions"):
        read("id: m\ntype: io.kestra.plugin.core.condition.MultipleCondition\n", conditions={})


def test_deprecated_types_say_so():
    assert {c.__name__ for c in CONDITIONS if c.deprecated} == {
        "FlowCondition",
        "FlowNamespaceCondition",
        "MultipleCondition",
    }


def test_schedule_conditions_are_the_date_and_expression_ones():
    assert {c.__name__ for c in CONDITIONS if getattr(c, "schedule_condition", False)} == {
        "DateTimeBetween",
        "DayWeek",
        "DayWeekInMonth",
        "ExecutionOutputs",
        "Expression",
        "Not",
        "Or",
        "PublicHoliday",
        "TimeBetween",
        "Weekend",
    }


def test_unknown_properties_are_rejected():
    with pytest.raises(ValidationError, match="sla"):
        read("type: io.kestra.plugin.core.condition.Weekend\nsla: {}\n")
