"""io.kestra.plugin.core.trigger.Schedule"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.condition import Condition, Conditions
from choreo.model.plugin import Path, Problem, ValidationScope
from choreo.model.trigger import Trigger
from choreo.model.types import Duration
from choreo.plugins.core.parts import deprecated_property
from choreo.plugins.core.trigger._cron import check_cron, cron_problem
from choreo.plugins.core.trigger._zone import zone_problem


class RecoverMissedSchedules(enum.StrEnum):
    ALL = "ALL"
    LAST = "LAST"
    NONE = "NONE"


class Schedule(Trigger):
    """Start the flow on a cron schedule.

    The scheduler remembers the last date it fired for, so missed dates can be recovered (`recoverMissedSchedules`)
    and backfilled. Changing the trigger `id` starts a new schedule from now. Executions get `trigger.date`,
    `trigger.next` and `trigger.previous`. With `conditions`, only the dates where all of them hold fire.

    ```yaml
    triggers:
      - id: every_15_minutes
        type: io.kestra.plugin.core.trigger.Schedule
        cron: "*/15 * * * *"
        timezone: Europe/Paris
        inputs:
          region: eu
        recoverMissedSchedules: LAST
        stopAfter:
          - FAILED
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.trigger.Schedule"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.models.triggers.types.Schedule",)
    trigger_kind: ClassVar[str] = "schedule"

    cron: str = Field(
        description="A unix cron expression: 5 fields (minute precision), or 6 with a leading seconds field when "
        "`withSeconds` is true; or a nickname: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.",
        examples=["0 9 * * 1-5", "*/15 * * * *", "@daily"],
    )
    with_seconds: bool = Field(
        default=False, description="Read the cron expression with 6 fields, the first one being the seconds."
    )
    timezone: str | None = Field(
        default=None,
        description="Time-zone id (tz database name or offset) the cron expression is read in; "
        "the server's time zone when unset.",
        examples=["Europe/Paris", "America/New_York", "UTC"],
    )
    inputs: dict[str, Any] | None = Field(
        default=None,
        description="Inputs of the executions it creates; values are rendered, so they may use `trigger.date`.",
        examples=[{"date": "{{ trigger.date }}"}],
    )
    late_maximum_delay: Duration | None = Field(
        default=None,
        description="Skip a scheduled date whose execution could not start within this delay after it.",
        examples=["PT1H"],
    )
    recover_missed_schedules: RecoverMissedSchedules | None = Field(
        default=None,
        description="What to do with dates missed while the scheduler was down or the trigger disabled: ALL runs "
        "every missed date, LAST only the last one, NONE none. The server configuration decides when unset "
        "(ALL by default).",
    )
    schedule_conditions: Conditions | None = Field(
        default=None,
        description="Deprecated: date conditions, now given in `conditions`.",
        json_schema_extra={"deprecated": True},
    )
    backfill: dict[str, Any] | None = Field(
        default=None,
        description="Deprecated: start a backfill from the UI or the API instead (`start`, `end`, `inputs`, `labels`).",
        examples=[{"start": "2024-01-01T00:00:00Z"}],
        json_schema_extra={"deprecated": True},
    )

    def cron_expression(self) -> str:
        """The cron expression as cronsim reads it (nickname expanded, seconds first when `withSeconds`)."""
        return check_cron(self.cron, with_seconds=self.with_seconds)

    @property
    def all_conditions(self) -> list[Condition]:
        """`conditions` then the deprecated `scheduleConditions`, as the scheduler evaluates them."""
        return [*(self.conditions or ()), *(self.schedule_conditions or ())]

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        reason = cron_problem(self.cron, with_seconds=self.with_seconds)
        if reason is not None:
            yield Problem(("cron",), f"invalid cron expression '{self.cron}': {reason}")
        if self.timezone is not None and (message := zone_problem(self.timezone)) is not None:
            yield Problem(("timezone",), message)
        for field, hint in (
            ("schedule_conditions", "use conditions instead"),
            ("backfill", "start a backfill from the UI or the API instead"),
        ):
            warning = deprecated_property(self, field, hint)
            if warning:
                yield warning
        yield from _ignored_conditions("conditions", self.conditions)
        yield from _ignored_conditions("scheduleConditions", self.schedule_conditions)


def _ignored_conditions(key: str, conditions: list[Condition] | None) -> Iterable[Problem]:
    """Conditions that need an execution (ExecutionStatus, ExecutionFlow…) are never true for a schedule."""
    for index, condition in enumerate(conditions or ()):
        if getattr(condition, "type_name", "") and not getattr(condition, "schedule_condition", False):
            path: Path = (key, index)
            yield Problem(
                path,
                f"{condition.type_name} looks at the execution that fired a Flow trigger; "
                "a Schedule trigger ignores it",
                "warning",
            )
