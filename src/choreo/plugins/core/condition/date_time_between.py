"""io.kestra.plugin.core.condition.DateTimeBetween"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from pydantic import AwareDatetime, Field

from choreo.model.condition import Condition
from choreo.model.plugin import Problem, ValidationScope
from choreo.model.types import Dynamic
from choreo.plugins.core.condition._dates import date_field


class DateTimeBetween(Condition):
    """Hold when `date` is not before `after` and not after `before` (either bound may be left out).

    ```yaml
    triggers:
      - id: schedule
        type: io.kestra.plugin.core.trigger.Schedule
        cron: "*/5 * * * *"
        conditions:
          - type: io.kestra.plugin.core.condition.DateTimeBetween
            after: "2025-01-01T00:00:00Z"
            before: "2025-12-31T23:59:59Z"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.DateTimeBetween"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.DateTimeBetweenCondition",
        "io.kestra.plugin.core.condition.DateTimeBetweenCondition",
    )
    schedule_condition: ClassVar[bool] = True

    date: Dynamic[str] = date_field()
    after: Dynamic[AwareDatetime] | None = Field(
        default=None,
        description="The date must not be before this ISO 8601 datetime with a zone ('Z' for UTC).",
        examples=["2025-01-01T00:00:00Z"],
    )
    before: Dynamic[AwareDatetime] | None = Field(
        default=None,
        description="The date must not be after this ISO 8601 datetime with a zone ('Z' for UTC).",
        examples=["2025-12-31T23:59:59Z"],
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        if self.after is None and self.before is None:
            yield Problem(
                (), "set `after`, `before` or both: without them the condition fails when evaluated", "warning"
            )
