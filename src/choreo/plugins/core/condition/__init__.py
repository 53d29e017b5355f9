"""Core conditions (`io.kestra.plugin.core.condition.*`).

Conditions marked `schedule_condition = True` are Kestra's `ScheduleCondition`s: they only look at dates or
variables, so Schedule triggers can evaluate them; the others need the execution that fired a Flow trigger.
"""

from __future__ import annotations

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

CONDITIONS = [
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
]
