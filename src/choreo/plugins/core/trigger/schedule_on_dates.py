"""io.kestra.plugin.core.trigger.ScheduleOnDates"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import AwareDatetime, Field

from choreo.model.plugin import Problem, ValidationScope
from choreo.model.trigger import Trigger
from choreo.model.types import Dynamic, is_template
from choreo.plugins.core.trigger._zone import zone_problem
from choreo.plugins.core.trigger.schedule import RecoverMissedSchedules


class ScheduleOnDates(Trigger):
    """Start the flow once on each of the given dates.

    ```yaml
    triggers:
      - id: on_dates
        type: io.kestra.plugin.core.trigger.ScheduleOnDates
        timezone: Europe/Paris
        dates:
          - 2025-01-15T09:00:00+01:00
          - "{{ now() | dateAdd(1, 'DAYS') }}"
        recoverMissedSchedules: NONE
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.trigger.ScheduleOnDates"
    trigger_kind: ClassVar[str] = "schedule"

    dates: Dynamic[list[Dynamic[AwareDatetime]]] = Field(
        description="The dates to fire on: ISO 8601 datetimes with a zone or offset, or expressions rendering to "
        "them (or to the whole list).",
        examples=[["2025-01-15T09:00:00+01:00", "2025-02-15T09:00:00+01:00"]],
    )
    timezone: Dynamic[str] | None = Field(
        default=None,
        description="Time-zone id the dates are converted to for `trigger.date`; the server's time zone when unset.",
        examples=["Europe/Paris"],
    )
    inputs: dict[str, Any] | None = Field(
        default=None, description="Inputs of the executions it creates; values are rendered."
    )
    recover_missed_schedules: RecoverMissedSchedules | None = Field(
        default=None,
        description="What to do with dates missed while the scheduler was down or the trigger disabled: ALL, LAST "
        "or NONE. The server configuration decides when unset (ALL by default).",
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        if self.timezone is not None and not is_template(self.timezone):
            message = zone_problem(self.timezone)
            if message is not None:
                yield Problem(("timezone",), message)
