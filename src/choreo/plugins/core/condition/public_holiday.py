"""io.kestra.plugin.core.condition.PublicHoliday"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition
from choreo.model.types import Dynamic
from choreo.plugins.core.condition._dates import date_field


class PublicHoliday(Condition):
    """Hold when `date` is a public holiday of the country (and subdivision).

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.Not
        conditions:
          - type: io.kestra.plugin.core.condition.PublicHoliday
            country: FR
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.PublicHoliday"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.PublicHolidayCondition",
        "io.kestra.plugin.core.condition.PublicHolidayCondition",
    )
    schedule_condition: ClassVar[bool] = True

    date: Dynamic[str] = date_field("date or datetime")
    country: Dynamic[str] | None = Field(
        default=None,
        description="ISO 3166-1 alpha-2 country code; the server's default locale country when unset.",
        examples=["FR", "US"],
    )
    sub_division: Dynamic[str] | None = Field(
        default=None,
        description="ISO 3166-2 subdivision (state, province) code, for regional holidays.",
        examples=["CA", "BY"],
    )
