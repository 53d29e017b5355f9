"""Condition evaluation (`choreo.engine.conditions`): every core condition type, against Kestra's semantics."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from choreo.engine.conditions import ConditionContext, ConditionUnsupported, all_hold, holds
from choreo.errors import ExpressionError
from choreo.expr import ExpressionEngine
from choreo.model.condition import Condition, InvalidCondition
from choreo.model.execution import Execution, StateRecord, TaskRun, TaskRunAttempt
from choreo.model.labels import Label
from choreo.model.state import State
from choreo.plugins.core.condition.date_time_between import DateTimeBetween
from choreo.plugins.core.condition.day_week import DayWeek
from choreo.plugins.core.condition.day_week_in_month import DayWeekInMonth
from choreo.plugins.core.condition.execution_flow import ExecutionFlow
from choreo.plugins.core.condition.execution_labels import ExecutionLabels
from choreo.plugins.core.condition.execution_namespace import ExecutionNamespace
from choreo.plugins.core.condition.execution_outputs import ExecutionOutputs
from choreo.plugins.core.condition.execution_status import ExecutionStatus
from choreo.plugins.core.condition.expression import Expression
from choreo.plugins.core.condition.flow_condition import FlowCondition
from choreo.plugins.core.condition.flow_namespace_condition import FlowNamespaceCondition
from choreo.plugins.core.condition.has_retry_attempt import HasRetryAttempt
from choreo.plugins.core.condition.multiple_condition import MultipleCondition
from choreo.plugins.core.condition.not_ import Not
from choreo.plugins.core.condition.or_ import Or
from choreo.plugins.core.condition.public_holiday import PublicHoliday
from choreo.plugins.core.condition.time_between import TimeBetween
from choreo.plugins.core.condition.weekend import Weekend

BERLIN = ZoneInfo("Europe/Berlin")
RENDER = ExpressionEngine().render_value

# March 2026: Mondays are the 2nd, 9th, 16th, 23rd and 30th; Sunday the 29th is the DST day in Europe/Berlin
# (02:00 CET becomes 03:00 CEST). February 2026 has exactly four Mondays (2nd to 23rd).


def make(cls: type[Condition], **props: Any) -> Any:
    return cls.model_validate({"type": cls.type_name, **props})


def berlin(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def on(moment: datetime, **variables: Any) -> ConditionContext:
    return ConditionContext(date=moment, variables=variables, render=RENDER)


def execution(
    state: State = State.SUCCESS,
    *,
    namespace: str = "company.team",
    flow_id: str = "upstream",
    labels: dict[str, str] | None = None,
    outputs: dict[str, Any] | None = None,
    attempts: list[list[State]] | None = None,
) -> Execution:
    runs = tuple(
        TaskRun(
            execution_id="e1",
            namespace=namespace,
            flow_id=flow_id,
            task_id=f"t{i}",
            attempts=tuple(TaskRunAttempt(state=StateRecord.new(s)) for s in states),
        )
        for i, states in enumerate(attempts or [])
    )
    return Execution(
        namespace=namespace,
        flow_id=flow_id,
        state=StateRecord.new(state),
        labels=tuple(Label(key=k, value=v) for k, v in (labels or {}).items()),
        outputs=outputs,
        task_run_list=runs,
    )


def ended(ex: Execution, **kwargs: Any) -> ConditionContext:
    return ConditionContext(execution=ex, render=RENDER, **kwargs)


# --- date conditions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "moment", "expected"),
    [
        ("MONDAY", berlin("2026-03-30T10:00"), True),
        ("MONDAY", berlin("2026-03-29T10:00"), False),
        ("SUNDAY", berlin("2026-03-29T00:30"), True),  # DST day, still CET (+01:00)
        ("SUNDAY", berlin("2026-03-29T03:30"), True),  # DST day, already CEST (+02:00)
        # the same instant as the first DST-day case, in UTC, is still Saturday: dates are read in their own zone
        ("SATURDAY", berlin("2026-03-29T00:30").astimezone(UTC), True),
        ("SUNDAY", berlin("2026-03-29T00:30").astimezone(UTC), False),
        ("MONDAY", berlin("2026-03-30T00:30"), True),
        ("MONDAY", berlin("2026-03-30T00:30").astimezone(UTC), False),
    ],
)
def test_day_week(day, moment, expected):
    assert holds(make(DayWeek, dayOfWeek=day), on(moment)) is expected


@pytest.mark.parametrize(
    ("day", "which", "moment", "expected"),
    [
        ("MONDAY", "FIRST", berlin("2026-03-02T11:00"), True),
        ("MONDAY", "FIRST", berlin("2026-03-09T11:00"), False),
        ("MONDAY", "SECOND", berlin("2026-03-09T11:00"), True),
        ("MONDAY", "THIRD", berlin("2026-03-16T11:00"), True),
        ("MONDAY", "FOURTH", berlin("2026-03-23T11:00"), True),
        ("MONDAY", "LAST", berlin("2026-03-23T11:00"), False),  # fourth but not last: March has five Mondays
        ("MONDAY", "LAST", berlin("2026-03-30T11:00"), True),
        ("MONDAY", "FOURTH", berlin("2026-03-30T11:00"), False),
        ("MONDAY", "FOURTH", berlin("2026-02-23T11:00"), True),  # four Mondays: the fourth is also the last
        ("MONDAY", "LAST", berlin("2026-02-23T11:00"), True),
        ("MONDAY", "LAST", berlin("2024-02-26T11:00"), True),  # leap year
        ("SUNDAY", "LAST", berlin("2026-03-29T03:30"), True),  # the DST day is the last Sunday of March
        ("TUESDAY", "LAST", berlin("2026-03-30T11:00"), False),  # wrong weekday
        ("TUESDAY", "LAST", berlin("2026-03-31T11:00"), True),
        ("TUESDAY", "FIRST", berlin("2026-03-03T11:00"), True),
        # 00:30 on the last Monday in Berlin is still Sunday in UTC
        ("MONDAY", "LAST", berlin("2026-03-30T00:30"), True),
        ("MONDAY", "LAST", berlin("2026-03-30T00:30").astimezone(UTC), False),
    ],
)
def test_day_week_in_month(day, which, moment, expected):
    assert holds(make(DayWeekInMonth, dayOfWeek=day, dayInMonth=which), on(moment)) is expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (berlin("2026-03-27T23:59"), False),  # Friday
        (berlin("2026-03-28T00:00"), True),  # Saturday
        (berlin("2026-03-29T03:30"), True),  # Sunday, DST day
        (berlin("2026-03-30T00:00"), False),  # Monday
        (berlin("2026-03-30T00:30").astimezone(UTC), True),  # Monday in Berlin, Sunday in UTC
        (berlin("2026-03-28T00:30").astimezone(UTC), False),  # Saturday in Berlin, Friday in UTC
    ],
)
def test_weekend(moment, expected):
    assert holds(make(Weekend), on(moment)) is expected


@pytest.mark.parametrize(
    ("bounds", "moment", "expected"),
    [
        ({"after": "2026-03-29T00:00:00Z", "before": "2026-03-29T23:59:59Z"}, utc("2026-03-29T00:00"), True),
        ({"after": "2026-03-29T00:00:00Z", "before": "2026-03-29T23:59:59Z"}, utc("2026-03-29T23:59:59"), True),
        ({"after": "2026-03-29T00:00:00Z", "before": "2026-03-29T23:59:59Z"}, utc("2026-03-30T00:00"), False),
        ({"after": "2026-03-29T00:00:00Z", "before": "2026-03-29T23:59:59Z"}, utc("2026-03-28T23:59:59"), False),
        ({"after": "2026-03-29T00:00:00Z"}, utc("2030-01-01T00:00"), True),
        ({"after": "2026-03-29T00:00:00Z"}, utc("2026-03-28T12:00"), False),
        ({"before": "2026-03-29T00:00:00Z"}, utc("2026-03-28T12:00"), True),
        ({"before": "2026-03-29T00:00:00Z"}, utc("2026-03-29T00:00:01"), False),
        # instants, whatever the zones: 03:30 CEST on the DST day is 01:30 UTC
        ({"after": "2026-03-29T01:30:00Z"}, berlin("2026-03-29T03:30"), True),
        ({"after": "2026-03-29T01:30:00Z"}, berlin("2026-03-29T01:59"), False),  # 00:59 UTC
        ({"before": "2026-03-29T03:00:00+02:00"}, berlin("2026-03-29T01:59"), True),  # 00:59 UTC < 01:00 UTC
    ],
)
def test_date_time_between(bounds, moment, expected):
    assert holds(make(DateTimeBetween, **bounds), on(moment)) is expected


@pytest.mark.parametrize(
    ("bounds", "moment", "expected"),
    [
        ({"after": "08:00:00+02:00", "before": "18:00:00+02:00"}, berlin("2026-03-29T08:30"), True),
        ({"after": "08:00:00+02:00", "before": "18:00:00+02:00"}, berlin("2026-03-29T07:30"), False),
        # the bounds have fixed offsets: the day before the DST change, 07:30 CET is 08:30+02:00
        ({"after": "08:00:00+02:00", "before": "18:00:00+02:00"}, berlin("2026-03-28T07:30"), True),
        ({"after": "08:00:00+02:00", "before": "18:00:00+02:00"}, berlin("2026-03-29T08:00"), False),  # exclusive
        ({"after": "08:00:00+02:00", "before": "18:00:00+02:00"}, berlin("2026-03-29T18:00"), False),  # exclusive
        ({"after": "08:00:00+02:00", "before": "18:00:00+02:00"}, utc("2026-03-29T06:30"), True),  # = 08:30+02:00
        # a window crossing midnight
        ({"after": "22:00:00+01:00", "before": "06:00:00+01:00"}, berlin("2026-03-27T23:00"), True),
        ({"after": "22:00:00+01:00", "before": "06:00:00+01:00"}, berlin("2026-03-28T05:00"), True),
        ({"after": "22:00:00+01:00", "before": "06:00:00+01:00"}, berlin("2026-03-28T12:00"), False),
        ({"after": "22:00:00+01:00", "before": "06:00:00+01:00"}, berlin("2026-03-28T22:00"), False),
        ({"after": "12:00:00Z"}, utc("2026-03-29T12:00:01"), True),
        ({"after": "12:00:00Z"}, utc("2026-03-29T11:59"), False),
        ({"before": "12:00:00Z"}, utc("2026-03-29T11:59"), True),
        ({"before": "12:00:00Z"}, utc("2026-03-29T12:30"), False),
    ],
)
def test_time_between(bounds, moment, expected):
    assert holds(make(TimeBetween, **bounds), on(moment)) is expected


def test_time_between_bounds_may_be_templates():
    condition = make(TimeBetween, after="{{ opening }}", before="{{ closing }}")
    context = on(berlin("2026-03-30T09:00"), opening="08:00:00+02:00", closing="18:00:00+02:00")
    assert holds(condition, context) is True


# --- the `date` property and other templates ----------------------------------------------------------------------


def test_an_explicit_date_property_is_rendered_instead_of_the_context_date():
    condition = make(Weekend, date="{{ execution.startDate }}")
    context = on(berlin("2026-03-30T10:00"), execution={"startDate": "2026-03-28T10:00:00Z"})
    assert holds(condition, context) is True


def test_the_default_date_renders_trigger_date_when_the_context_has_no_date():
    context = ConditionContext(variables={"trigger": {"date": "2026-03-30T10:00:00+02:00"}}, render=RENDER)
    assert holds(make(DayWeek, dayOfWeek="MONDAY"), context) is True


@pytest.mark.parametrize(
    ("text", "expected_day"),
    [
        ("2026-03-30", "MONDAY"),
        ("2026-03-30T00:30:00+02:00", "MONDAY"),
        ("2026-03-29T22:30:00Z", "SUNDAY"),
        ("2026-03-29T22:30:00Z[Europe/Berlin]", "MONDAY"),  # Java's ZonedDateTime form: read in that zone
        ("2026-03-30T00:30:00", "MONDAY"),
    ],
)
def test_literal_dates_are_parsed_as_iso_dates_in_their_own_zone(text, expected_day):
    assert holds(make(DayWeek, date=text, dayOfWeek=expected_day), ConditionContext()) is True


def test_day_of_week_may_be_a_template():
    condition = make(DayWeekInMonth, dayOfWeek="{{ day }}", dayInMonth="{{ which }}")
    assert holds(condition, on(berlin("2026-03-30T10:00"), day="MONDAY", which="LAST")) is True


@pytest.mark.parametrize(
    ("condition", "context", "message"),
    [
        (make(Weekend), ConditionContext(), "no date to test"),
        (make(Weekend, date="{{ execution.startDate }}"), ConditionContext(date=utc("2026-03-28T00:00")), "template"),
        (make(Weekend, date="next tuesday"), ConditionContext(), "not an ISO 8601"),
        (make(Weekend, date="2026-03-28T10:00:00Z[Mars/Olympus]"), ConditionContext(), "unknown time zone"),
        (make(DayWeek, dayOfWeek="{{ day }}"), on(utc("2026-03-28T00:00"), day="someday"), "must be one of MONDAY"),
        (make(DateTimeBetween, date="2026-03-28T10:00:00", after="2026-01-01T00:00:00Z"), ConditionContext(), "zone"),
        (make(DateTimeBetween), on(utc("2026-03-28T00:00")), "set `after`, `before` or both"),
        (make(TimeBetween), on(utc("2026-03-28T00:00")), "set `after`, `before` or both"),
        (make(TimeBetween, after="{{ t }}"), on(utc("2026-03-28T00:00"), t="08:00"), "needs an offset"),
        (make(TimeBetween, after="{{ t }}"), on(utc("2026-03-28T00:00"), t="eight"), "not an ISO 8601 time"),
    ],
)
def test_date_conditions_that_cannot_be_evaluated(condition, context, message):
    with pytest.raises(ConditionUnsupported, match=message) as raised:
        holds(condition, context)
    assert condition.type_name in str(raised.value)


# --- Expression ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "variables", "expected"),
    [
        ("{{ trigger.body.hello == 'world' }}", {"trigger": {"body": {"hello": "world"}}}, True),
        ("{{ trigger.body.hello == 'world' }}", {"trigger": {"body": {"hello": "moon"}}}, False),
        ("{{ 'yes' }}", {}, True),
        ("{{ '' }}", {}, False),
        ("{{ '  false ' }}", {}, False),
        ("{{ 0 }}", {}, False),
        ("{{ null }}", {}, False),
        ("true", {}, True),
    ],
)
def test_expression(expression, variables, expected):
    context = ConditionContext(variables=variables, render=RENDER)
    assert holds(make(Expression, expression=expression), context) is expected


def test_a_literal_expression_needs_no_expression_engine():
    assert holds(make(Expression, expression="false"), ConditionContext()) is False


def test_an_expression_template_needs_the_expression_engine():
    with pytest.raises(ConditionUnsupported, match="no expression engine"):
        holds(make(Expression, expression="{{ true }}"), ConditionContext())


def test_render_errors_stay_expression_errors_and_name_the_condition():
    with pytest.raises(ExpressionError) as raised:
        holds(make(Expression, expression="{{ nowhere.x }}"), ConditionContext(render=RENDER))
    assert any(Expression.type_name in note for note in raised.value.__notes__)


# --- execution conditions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("props", "state", "expected"),
    [
        ({"in": ["SUCCESS"]}, State.SUCCESS, True),
        ({"in": ["SUCCESS"]}, State.FAILED, False),
        ({"notIn": ["FAILED", "KILLED"]}, State.KILLED, False),
        ({"notIn": ["FAILED", "KILLED"]}, State.WARNING, True),
        ({"in": ["FAILED", "WARNING"], "notIn": ["WARNING"]}, State.WARNING, False),
        ({"in": ["FAILED", "WARNING"], "notIn": ["WARNING"]}, State.FAILED, True),
        ({}, State.CANCELLED, True),
        ({"in": []}, State.FAILED, True),  # empty counts as unset, as listeners always did
    ],
)
def test_execution_status(props, state, expected):
    assert holds(make(ExecutionStatus, **props), ended(execution(state))) is expected


@pytest.mark.parametrize(
    ("namespace", "flow_id", "expected"),
    [
        ("company.team", "upstream", True),
        ("company.team", "other", False),
        ("company", "upstream", False),
    ],
)
def test_execution_flow(namespace, flow_id, expected):
    condition = make(ExecutionFlow, namespace=namespace, flowId=flow_id)
    assert holds(condition, ended(execution())) is expected


@pytest.mark.parametrize(
    ("props", "namespace", "expected"),
    [
        ({"namespace": "company.team"}, "company.team", True),
        ({"namespace": "company.team"}, "company.team.sub", False),
        ({"namespace": "company", "comparison": "PREFIX"}, "company.team", True),
        ({"namespace": "company", "comparison": "PREFIX"}, "other.company", False),
        ({"namespace": "team", "comparison": "SUFFIX"}, "company.team", True),
        ({"namespace": "team", "comparison": "SUFFIX"}, "team.company", False),
        ({"namespace": "company.team", "comparison": "EQUALS"}, "company.team", True),
        ({"namespace": "company", "prefix": True}, "company.team", True),  # deprecated shortcut
        ({"namespace": "company", "prefix": True, "comparison": "EQUALS"}, "company.team", False),  # comparison wins
    ],
)
def test_execution_namespace(props, namespace, expected):
    assert holds(make(ExecutionNamespace, **props), ended(execution(namespace=namespace))) is expected


@pytest.mark.parametrize(
    ("wanted", "carried", "expected"),
    [
        ({"owner": "john.doe", "env": "prod"}, {"owner": "john.doe", "env": "prod", "team": "data"}, True),
        ({"owner": "john.doe", "env": "prod"}, {"owner": "john.doe"}, False),
        ({"owner": "john.doe"}, {"owner": "jane.doe"}, False),
        ([{"key": "owner", "value": "john.doe"}], {"owner": "john.doe"}, True),
        ({"attempt": 1}, {"attempt": "1"}, True),  # YAML numbers are read as text
        ({"owner": "john.doe"}, {}, False),
    ],
)
def test_execution_labels(wanted, carried, expected):
    assert holds(make(ExecutionLabels, labels=wanted), ended(execution(labels=carried))) is expected


@pytest.mark.parametrize(
    ("outputs", "expression", "expected"),
    [
        ({"status_code": "200"}, "{{ trigger.outputs.status_code == '200' }}", True),
        ({"status_code": "404"}, "{{ trigger.outputs.status_code == '200' }}", False),
        (None, "{{ trigger.outputs.status_code == '200' }}", False),
        ({}, "{{ trigger.outputs.missing.deeper }}", False),  # no outputs: false, the expression is not rendered
        ({"n": 3}, "{{ trigger.outputs.n > 2 and trigger.namespace == 'company.team' }}", True),
    ],
)
def test_execution_outputs(outputs, expression, expected):
    context = ended(execution(outputs=outputs), variables={"trigger": {"namespace": "company.team"}})
    assert holds(make(ExecutionOutputs, expression=expression), context) is expected


@pytest.mark.parametrize(
    ("props", "attempts", "expected"),
    [
        ({"in": ["FAILED"]}, [[State.FAILED, State.SUCCESS]], True),
        ({"in": ["FAILED"]}, [[State.FAILED]], False),  # one attempt: never retried
        ({"in": ["KILLED"]}, [[State.FAILED, State.SUCCESS]], False),
        ({"notIn": ["FAILED"]}, [[State.FAILED, State.SUCCESS]], True),  # the SUCCESS attempt
        ({"notIn": ["FAILED", "SUCCESS"]}, [[State.FAILED, State.SUCCESS]], False),
        ({"in": ["FAILED"]}, [[State.SUCCESS], [State.KILLED, State.FAILED]], True),
        ({}, [[State.FAILED, State.SUCCESS]], True),
        ({}, [], False),
    ],
)
def test_has_retry_attempt(props, attempts, expected):
    assert holds(make(HasRetryAttempt, **props), ended(execution(attempts=attempts))) is expected


@pytest.mark.parametrize(
    "condition",
    [
        make(ExecutionStatus, **{"in": ["SUCCESS"]}),
        make(ExecutionFlow, namespace="company.team", flowId="upstream"),
        make(ExecutionNamespace, namespace="company"),
        make(ExecutionLabels, labels={"a": "b"}),
        make(ExecutionOutputs, expression="{{ true }}"),
        make(HasRetryAttempt, **{"in": ["FAILED"]}),
    ],
)
def test_execution_conditions_need_an_execution(condition):
    with pytest.raises(ConditionUnsupported, match="needs the execution") as raised:
        holds(condition, on(utc("2026-03-28T00:00")))
    assert condition.type_name in str(raised.value)


# --- deprecated flow conditions: they test the flow that owns the trigger -------------------------------------------


@pytest.mark.parametrize(
    ("namespace", "flow_id", "expected"),
    [
        ("company.team", "downstream", True),
        ("company.team", "upstream", False),  # the execution's flow does not count
        ("company", "downstream", False),
    ],
)
def test_flow_condition(namespace, flow_id, expected):
    context = ended(execution(flow_id="upstream"), flow_namespace="company.team", flow_id="downstream")
    assert holds(make(FlowCondition, namespace=namespace, flowId=flow_id), context) is expected


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"namespace": "company.team"}, True),
        ({"namespace": "company"}, False),
        ({"namespace": "company", "prefix": True}, True),
        ({"namespace": "company.team.sub", "prefix": True}, False),
    ],
)
def test_flow_namespace_condition(props, expected):
    context = ConditionContext(flow_namespace="company.team", flow_id="downstream")
    assert holds(make(FlowNamespaceCondition, **props), context) is expected


def test_flow_conditions_need_the_owning_flow():
    with pytest.raises(ConditionUnsupported, match="owns the trigger"):
        holds(make(FlowCondition, namespace="company.team", flowId="x"), ended(execution()))


# --- Not, Or, all_hold --------------------------------------------------------------------------------------------

WORK_DAY = make(Not, conditions=[make(Weekend), make(DayWeek, dayOfWeek="FRIDAY")])
START_OR_END = make(Or, conditions=[make(DayWeek, dayOfWeek="MONDAY"), make(DayWeek, dayOfWeek="SUNDAY")])


@pytest.mark.parametrize(
    ("condition", "moment", "expected"),
    [
        (WORK_DAY, berlin("2026-03-30T10:00"), True),  # Monday
        (WORK_DAY, berlin("2026-03-27T10:00"), False),  # Friday
        (WORK_DAY, berlin("2026-03-28T10:00"), False),  # Saturday
        (START_OR_END, berlin("2026-03-30T10:00"), True),
        (START_OR_END, berlin("2026-03-29T03:30"), True),
        (START_OR_END, berlin("2026-03-31T10:00"), False),
        (make(Not, conditions=[START_OR_END]), berlin("2026-03-31T10:00"), True),
        (make(Not, conditions=[START_OR_END]), berlin("2026-03-29T03:30"), False),
        (make(Or, conditions=[WORK_DAY, make(DayWeek, dayOfWeek="SATURDAY")]), berlin("2026-03-28T10:00"), True),
        (make(Or, conditions=[WORK_DAY, make(DayWeek, dayOfWeek="SATURDAY")]), berlin("2026-03-29T10:00"), False),
    ],
)
def test_not_and_or(condition, moment, expected):
    assert holds(condition, on(moment)) is expected


def test_not_around_an_execution_condition_for_a_listener():
    failed = make(Not, conditions=[make(ExecutionStatus, **{"in": ["FAILED", "KILLED"]})])
    assert holds(failed, ended(execution(State.SUCCESS))) is True
    assert holds(failed, ended(execution(State.KILLED))) is False


def test_or_stops_at_the_first_condition_that_holds():
    condition = make(Or, conditions=[make(Weekend), make(ExecutionStatus, **{"in": ["SUCCESS"]})])
    assert holds(condition, on(berlin("2026-03-28T10:00"))) is True  # the execution condition is never reached
    with pytest.raises(ConditionUnsupported, match="needs the execution"):
        holds(condition, on(berlin("2026-03-30T10:00")))


@pytest.mark.parametrize(
    ("conditions", "moment", "expected"),
    [
        (None, berlin("2026-03-30T10:00"), True),
        ([], berlin("2026-03-30T10:00"), True),
        ([make(Weekend), make(DayWeek, dayOfWeek="SATURDAY")], berlin("2026-03-28T10:00"), True),
        ([make(Weekend), make(DayWeek, dayOfWeek="SATURDAY")], berlin("2026-03-29T10:00"), False),
        # stops at the first condition that does not hold: the execution condition is never reached
        ([make(DayWeek, dayOfWeek="SUNDAY"), make(ExecutionStatus)], berlin("2026-03-30T10:00"), False),
    ],
)
def test_all_hold(conditions, moment, expected):
    assert all_hold(conditions, on(moment)) is expected


# --- conditions that cannot be evaluated here -----------------------------------------------------------------------


def test_multiple_condition_is_left_to_the_scheduler():
    condition = make(
        MultipleCondition,
        id="both",
        conditions={
            "a": make(ExecutionFlow, namespace="company.team", flowId="a"),
            "b": make(ExecutionFlow, namespace="company.team", flowId="b"),
        },
    )
    with pytest.raises(ConditionUnsupported, match=r"MultipleCondition `both`.*scheduler"):
        holds(condition, ended(execution()))


def test_an_unknown_condition_type_is_unsupported():
    condition = InvalidCondition(type="io.example.Custom")
    with pytest.raises(ConditionUnsupported, match="io.example.Custom"):
        holds(condition, ConditionContext())


# --- PublicHoliday ----------------------------------------------------------------------------------------------


def test_public_holiday_without_holiday_data_is_unsupported(monkeypatch):
    monkeypatch.setitem(sys.modules, "holidays", None)  # makes `import holidays` fail, installed or not
    with pytest.raises(ConditionUnsupported, match=r"PublicHoliday: no public holiday data.*holidays"):
        holds(make(PublicHoliday, country="FR"), on(utc("2026-05-01T10:00")))


@pytest.fixture
def fake_holidays(monkeypatch):
    """A stand-in for the `holidays` package: 1 May everywhere, 6 January in Bavaria; country XX is unknown."""
    calls: list[tuple[str, str | None]] = []

    def country_holidays(country: str, subdiv: str | None = None) -> set[Any]:
        calls.append((country, subdiv))
        if country == "XX":
            raise NotImplementedError("Country XX not available")
        days = {datetime(2026, 5, 1).date()}
        if subdiv == "BY":
            days.add(datetime(2026, 1, 6).date())
        return days

    monkeypatch.setitem(sys.modules, "holidays", types.SimpleNamespace(country_holidays=country_holidays))
    return calls


@pytest.mark.parametrize(
    ("props", "moment", "expected"),
    [
        ({"country": "FR"}, berlin("2026-05-01T11:00"), True),
        ({"country": "FR"}, berlin("2026-05-04T11:00"), False),
        ({"country": "DE", "subDivision": "BY"}, berlin("2026-01-06T11:00"), True),
        ({"country": "DE"}, berlin("2026-01-06T11:00"), False),
        ({"country": "FR"}, berlin("2026-05-01T00:30").astimezone(UTC), False),  # 30 April in UTC
        ({"country": "{{ country }}"}, berlin("2026-05-01T11:00"), True),
    ],
)
def test_public_holiday_with_holiday_data(fake_holidays, props, moment, expected):
    assert holds(make(PublicHoliday, **props), on(moment, country="FR")) is expected


def test_public_holiday_passes_country_and_subdivision(fake_holidays):
    holds(make(PublicHoliday, country="de", subDivision="BY"), on(berlin("2026-01-06T11:00")))
    assert fake_holidays == [("DE", "BY")]


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({}, "set `country`"),
        ({"country": "XX"}, "no holiday data for 'XX'"),
    ],
)
def test_public_holiday_that_cannot_be_evaluated(fake_holidays, props, message):
    with pytest.raises(ConditionUnsupported, match=message):
        holds(make(PublicHoliday, **props), on(berlin("2026-05-01T11:00")))


def test_public_holiday_with_the_real_package():
    pytest.importorskip("holidays")
    assert holds(make(PublicHoliday, country="FR"), on(berlin("2026-05-01T11:00"))) is True
    assert holds(make(PublicHoliday, country="FR"), on(berlin("2026-05-04T11:00"))) is False
    assert holds(make(PublicHoliday, country="DE", subDivision="BY"), on(berlin("2026-01-06T11:00"))) is True
