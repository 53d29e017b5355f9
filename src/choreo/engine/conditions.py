"""Evaluating trigger and listener conditions (`io.kestra.plugin.core.condition.*`), as Kestra's `test()` does.

The one place conditions are evaluated: the scheduler (Schedule and Flow triggers) and the executor (listeners)
build a `ConditionContext` and call `all_hold`. Date conditions test their `date` property, `{{ trigger.date }}`
unless set, which is `ConditionContext.date`; dates are read in their own zone (the scheduler passes them in the
trigger's time zone), so a Monday in Europe/Berlin is a Monday even when it is still Sunday in UTC.

A condition that cannot be evaluated here — an execution condition on a schedule, PublicHoliday without holiday
data, MultipleCondition (its results live in stored windows), a date that does not parse — raises
`ConditionUnsupported` naming the condition and the problem. Failures of the expression engine stay
`ExpressionError`s, with a note naming the condition.
"""

from __future__ import annotations

import calendar
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from choreo.errors import ChoreoError, ExpressionError
from choreo.expr.truth import truthy
from choreo.model.condition import Condition
from choreo.model.execution import Execution
from choreo.model.types import is_template
from choreo.plugins.core.condition._dates import TRIGGER_DATE, DayOfWeek
from choreo.plugins.core.condition.date_time_between import DateTimeBetween
from choreo.plugins.core.condition.day_week import DayWeek
from choreo.plugins.core.condition.day_week_in_month import DayInMonth, DayWeekInMonth
from choreo.plugins.core.condition.execution_flow import ExecutionFlow
from choreo.plugins.core.condition.execution_labels import ExecutionLabels
from choreo.plugins.core.condition.execution_namespace import Comparison, ExecutionNamespace
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

__all__ = ["ConditionContext", "ConditionUnsupported", "all_hold", "holds"]

Render = Callable[[Any, Mapping[str, Any]], Any]
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class ConditionContext:
    """What a condition may look at when it is evaluated."""

    date: datetime | None = None  # the schedule date being considered (aware), for date conditions
    execution: Execution | None = None  # the execution that ended, for Flow triggers and listeners
    flow_namespace: str = ""  # the flow that owns the trigger or listener
    flow_id: str = ""
    variables: Mapping[str, Any] = field(default_factory=dict)  # what templates render with
    render: Render | None = None  # the expression engine's `render_value`


class ConditionUnsupported(ChoreoError):
    """A condition cannot be evaluated: not in this context, not at all, or not with the values it was given."""


def all_hold(conditions: Iterable[Condition] | None, ctx: ConditionContext) -> bool:
    """Whether every condition holds (none at all: true). Stops at the first that does not."""
    return all(holds(condition, ctx) for condition in conditions or ())


def holds(condition: Condition, ctx: ConditionContext) -> bool:
    """Whether `condition` holds in `ctx`."""
    evaluate = next((_EVALUATORS[cls] for cls in type(condition).__mro__ if cls in _EVALUATORS), None)
    if evaluate is None:
        raise ConditionUnsupported(f"{_name(condition)}: this condition type cannot be evaluated")
    try:
        return evaluate(condition, ctx)
    except ExpressionError as exc:
        exc.add_note(f"while evaluating the condition {_name(condition)}")
        raise


# --- values -------------------------------------------------------------------------------------------------------


def _name(condition: Condition) -> str:
    return condition.type_name or condition.type


def _rendered(
    condition: Condition, prop: str, value: Any, ctx: ConditionContext, variables: Mapping[str, Any] | None = None
) -> Any:
    """A property as the trigger sees it: a template rendered with the context's variables, anything else as is."""
    if not is_template(value):
        return value
    if ctx.render is None:
        raise ConditionUnsupported(
            f"{_name(condition)}: `{prop}` is a template ({value!r}) and there is no expression engine to render it"
        )
    return ctx.render(value, ctx.variables if variables is None else variables)


def _enum(condition: Condition, prop: str, value: Any, kind: type[E], ctx: ConditionContext) -> E:
    value = _rendered(condition, prop, value, ctx)
    try:
        return kind(str(value).strip())
    except ValueError:
        allowed = ", ".join(kind)
        raise ConditionUnsupported(f"{_name(condition)}: `{prop}` must be one of {allowed}, not {value!r}") from None


_ZONE_SUFFIX = re.compile(r"^(?P<stamp>.+)\[(?P<zone>[^\]]+)\]$")


def _parse_moment(condition: Condition, prop: str, value: Any) -> datetime:
    """An ISO 8601 date or date-time (Java's `2026-03-29T10:00+02:00[Europe/Berlin]` too); naive if no zone."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    text = str(value).strip()
    zone = None
    if match := _ZONE_SUFFIX.match(text):
        text = match["stamp"]
        try:
            zone = ZoneInfo(match["zone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise ConditionUnsupported(f"{_name(condition)}: `{prop}` {value!r} names an unknown time zone") from None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ConditionUnsupported(
            f"{_name(condition)}: `{prop}` {value!r} is not an ISO 8601 date or date-time"
        ) from None
    if zone is not None:
        moment = moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
    return moment


def _aware(condition: Condition, prop: str, moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ConditionUnsupported(
            f"{_name(condition)}: `{prop}` {moment.isoformat()} has no time zone; give an offset such as Z or +02:00"
        )
    return moment


def _moment(condition: Any, ctx: ConditionContext) -> datetime:
    """The date a date condition tests: its `date` property, which by default means the context's date."""
    raw = condition.date
    if raw == TRIGGER_DATE:
        if ctx.date is not None:
            return ctx.date  # what `{{ trigger.date }}` means, with its zone kept
        trigger = ctx.variables.get("trigger")
        if ctx.render is None or not (isinstance(trigger, Mapping) and "date" in trigger):
            raise ConditionUnsupported(f"{_name(condition)}: there is no date to test here (no schedule date)")
    return _parse_moment(condition, "date", _rendered(condition, "date", raw, ctx))


def _day(condition: Any, ctx: ConditionContext) -> date:
    """The calendar day of the tested date, in the date's own zone."""
    return _moment(condition, ctx).date()


def _execution(condition: Condition, ctx: ConditionContext) -> Execution:
    if ctx.execution is None:
        raise ConditionUnsupported(
            f"{_name(condition)}: needs the execution that ended (Flow triggers and listeners); there is none here"
        )
    return ctx.execution


# --- date conditions --------------------------------------------------------------------------------------------

_WEEKDAYS = list(DayOfWeek)  # MONDAY first, as date.weekday()
_NTH = {DayInMonth.FIRST: 0, DayInMonth.SECOND: 1, DayInMonth.THIRD: 2, DayInMonth.FOURTH: 3}


def _day_week(condition: DayWeek, ctx: ConditionContext) -> bool:
    wanted = _enum(condition, "dayOfWeek", condition.day_of_week, DayOfWeek, ctx)
    return _day(condition, ctx).weekday() == _WEEKDAYS.index(wanted)


def _day_week_in_month(condition: DayWeekInMonth, ctx: ConditionContext) -> bool:
    wanted = _enum(condition, "dayOfWeek", condition.day_of_week, DayOfWeek, ctx)
    which = _enum(condition, "dayInMonth", condition.day_in_month, DayInMonth, ctx)
    day = _day(condition, ctx)
    if day.weekday() != _WEEKDAYS.index(wanted):
        return False
    if which == DayInMonth.LAST:
        return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 == _NTH[which]


def _weekend(condition: Weekend, ctx: ConditionContext) -> bool:
    return _day(condition, ctx).weekday() >= 5


def _date_time_between(condition: DateTimeBetween, ctx: ConditionContext) -> bool:
    """Inclusive bounds, compared as instants (Kestra's `!isBefore(after) && !isAfter(before)`)."""
    moment = _aware(condition, "date", _moment(condition, ctx))
    after, before = (_bound_moment(condition, prop, ctx) for prop in ("after", "before"))
    if after is None and before is None:
        raise ConditionUnsupported(f"{_name(condition)}: set `after`, `before` or both")
    return (after is None or moment >= after) and (before is None or moment <= before)


def _bound_moment(condition: DateTimeBetween, prop: str, ctx: ConditionContext) -> datetime | None:
    value = _rendered(condition, prop, getattr(condition, prop), ctx)
    if value is None:
        return None
    return _aware(condition, prop, _parse_moment(condition, prop, value))


def _time_between(condition: TimeBetween, ctx: ConditionContext) -> bool:
    """Exclusive bounds, as Kestra's `OffsetTime` comparisons; `after` later than `before` crosses midnight."""
    moment = _aware(condition, "date", _moment(condition, ctx))
    now = _seconds(moment.time(), moment.utcoffset())
    after, before = (_bound_time(condition, prop, ctx) for prop in ("after", "before"))
    if after is not None and before is not None:
        if after < before:
            return after < now < before
        return now > after or now < before  # the window crosses midnight, e.g. 22:00 to 06:00
    if after is not None:
        return now > after
    if before is not None:
        return now < before
    raise ConditionUnsupported(f"{_name(condition)}: set `after`, `before` or both")


def _bound_time(condition: TimeBetween, prop: str, ctx: ConditionContext) -> float | None:
    value = _rendered(condition, prop, getattr(condition, prop), ctx)
    if value is None:
        return None
    if not isinstance(value, time):
        try:
            value = time.fromisoformat(str(value).strip())
        except ValueError:
            raise ConditionUnsupported(
                f"{_name(condition)}: `{prop}` {value!r} is not an ISO 8601 time such as 08:00:00+02:00"
            ) from None
    offset = value.utcoffset()
    if offset is None:
        raise ConditionUnsupported(f"{_name(condition)}: `{prop}` {value.isoformat()} needs an offset such as +02:00")
    return _seconds(value, offset)


def _seconds(value: time, offset: timedelta | None) -> float:
    """A time of day on the UTC line, without wrapping (Java's `OffsetTime` order): 01:00+02:00 is -1h."""
    of_day = timedelta(hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond)
    return (of_day - (offset or timedelta())).total_seconds()


def _public_holiday(condition: PublicHoliday, ctx: ConditionContext) -> bool:
    try:
        holidays = importlib.import_module("holidays")
    except ImportError:
        raise ConditionUnsupported(
            f"{_name(condition)}: no public holiday data: install the `holidays` package to use this condition"
        ) from None
    country = _rendered(condition, "country", condition.country, ctx)
    if not country:
        # Kestra falls back on the server's locale; a server has no reliable country, so ask for one.
        raise ConditionUnsupported(f"{_name(condition)}: set `country` (an ISO 3166-1 alpha-2 code such as FR)")
    subdivision = _rendered(condition, "subDivision", condition.sub_division, ctx) or None
    try:
        days = holidays.country_holidays(str(country).strip().upper(), subdiv=subdivision)
    except NotImplementedError as exc:
        raise ConditionUnsupported(f"{_name(condition)}: no holiday data for {country!r}: {exc}") from None
    return _day(condition, ctx) in days


# --- execution and flow conditions ------------------------------------------------------------------------------


def _execution_status(condition: ExecutionStatus, ctx: ConditionContext) -> bool:
    state = _execution(condition, ctx).state.current
    # An empty list counts as unset, as the listener evaluation did before this module.
    return not ((condition.in_ and state not in condition.in_) or (condition.not_in and state in condition.not_in))


def _execution_flow(condition: ExecutionFlow, ctx: ConditionContext) -> bool:
    execution = _execution(condition, ctx)
    return execution.namespace == condition.namespace and execution.flow_id == condition.flow_id


_COMPARE: dict[Comparison, Callable[[str, str], bool]] = {
    Comparison.EQUALS: str.__eq__,
    Comparison.PREFIX: str.startswith,
    Comparison.SUFFIX: str.endswith,
}


def _execution_namespace(condition: ExecutionNamespace, ctx: ConditionContext) -> bool:
    namespace = _execution(condition, ctx).namespace
    return _COMPARE[condition.effective_comparison](namespace, condition.namespace)


def _execution_labels(condition: ExecutionLabels, ctx: ConditionContext) -> bool:
    carried = {(label.key, label.value) for label in _execution(condition, ctx).labels}
    return all((label.key, label.value) in carried for label in condition.labels)


def _execution_outputs(condition: ExecutionOutputs, ctx: ConditionContext) -> bool:
    """The expression sees the ended execution's outputs as `trigger.outputs`; no outputs is false, unrendered."""
    outputs = _execution(condition, ctx).outputs
    if not outputs:
        return False
    trigger = ctx.variables.get("trigger")
    variables = {**ctx.variables, "trigger": {**(trigger if isinstance(trigger, Mapping) else {}), "outputs": outputs}}
    return truthy(_rendered(condition, "expression", condition.expression, ctx, variables))


def _has_retry_attempt(condition: HasRetryAttempt, ctx: ConditionContext) -> bool:
    """Some attempt of a task run that was retried (more than one attempt) ended in an allowed state."""
    states = (
        attempt.state.current
        for run in _execution(condition, ctx).task_run_list
        if len(run.attempts) > 1
        for attempt in run.attempts
    )
    return any(
        not ((condition.in_ and state not in condition.in_) or (condition.not_in and state in condition.not_in))
        for state in states
    )


def _owning_flow(condition: Condition, ctx: ConditionContext) -> tuple[str, str]:
    # Kestra tests these deprecated conditions against the flow the trigger belongs to, not the execution's flow.
    if not ctx.flow_namespace:
        raise ConditionUnsupported(f"{_name(condition)}: needs the flow that owns the trigger; none was given")
    return ctx.flow_namespace, ctx.flow_id


def _flow_condition(condition: FlowCondition, ctx: ConditionContext) -> bool:
    return _owning_flow(condition, ctx) == (condition.namespace, condition.flow_id)


def _flow_namespace_condition(condition: FlowNamespaceCondition, ctx: ConditionContext) -> bool:
    namespace, _ = _owning_flow(condition, ctx)
    return namespace.startswith(condition.namespace) if condition.prefix else namespace == condition.namespace


# --- other conditions -------------------------------------------------------------------------------------------


def _expression(condition: Expression, ctx: ConditionContext) -> bool:
    return truthy(_rendered(condition, "expression", condition.expression, ctx))


def _not(condition: Not, ctx: ConditionContext) -> bool:
    return not any(holds(inner, ctx) for inner in condition.conditions)


def _or(condition: Or, ctx: ConditionContext) -> bool:
    return any(holds(inner, ctx) for inner in condition.conditions)


def _multiple_condition(condition: MultipleCondition, ctx: ConditionContext) -> bool:
    raise ConditionUnsupported(
        f"{_name(condition)} `{condition.id}`: its results are kept per time window in the store, so the scheduler "
        "evaluates it; it cannot be evaluated on its own"
    )


_EVALUATORS: dict[type[Condition], Callable[[Any, ConditionContext], bool]] = {
    DateTimeBetween: _date_time_between,
    DayWeek: _day_week,
    DayWeekInMonth: _day_week_in_month,
    ExecutionFlow: _execution_flow,
    ExecutionLabels: _execution_labels,
    ExecutionNamespace: _execution_namespace,
    ExecutionOutputs: _execution_outputs,
    ExecutionStatus: _execution_status,
    Expression: _expression,
    FlowCondition: _flow_condition,
    FlowNamespaceCondition: _flow_namespace_condition,
    HasRetryAttempt: _has_retry_attempt,
    MultipleCondition: _multiple_condition,
    Not: _not,
    Or: _or,
    PublicHoliday: _public_holiday,
    TimeBetween: _time_between,
    Weekend: _weekend,
}
