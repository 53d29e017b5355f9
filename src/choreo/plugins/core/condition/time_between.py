"""io.kestra.plugin.core.condition.TimeBetween"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from choreo.model.condition import Condition
from choreo.model.plugin import Problem, ValidationScope
from choreo.model.types import Dynamic
from choreo.plugins.core.condition._dates import date_field


def _with_offset(value: time) -> time:
    if value.tzinfo is None:
        raise ValueError("expected a time with an offset, such as 16:19:12+02:00 or 08:00:00Z")
    return value


OffsetTime = Annotated[time, AfterValidator(_with_offset)]


class TimeBetween(Condition):
    """Hold when the time of `date` is not before `after` and not after `before` (either bound may be left out).

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.TimeBetween
        after: "08:00:00+02:00"
        before: "18:00:00+02:00"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.TimeBetween"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.TimeBetweenCondition",
        "io.kestra.plugin.core.condition.TimeBetweenCondition",
    )
    schedule_condition: ClassVar[bool] = True

    date: Dynamic[str] = date_field("time or datetime")
    after: Dynamic[OffsetTime] | None = Field(
        default=None,
        description="The time must not be before this ISO 8601 time with an offset.",
        examples=["08:00:00+02:00"],
    )
    before: Dynamic[OffsetTime] | None = Field(
        default=None,
        description="The time must not be after this ISO 8601 time with an offset.",
        examples=["18:00:00+02:00"],
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        if self.after is None and self.before is None:
            yield Problem(
                (), "set `after`, `before` or both: without them the condition fails when evaluated", "warning"
            )
