"""Dates given to maintenance tasks (`startDate`, `endDate`): rendered ISO-8601 instants."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from choreo.plugins.context import TaskFailed


def instant(value: Any, name: str) -> datetime:
    """`value` (a datetime or an ISO-8601 string; UTC when it names no zone) as an aware datetime."""
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            message = f"{name}: expected a date such as 2024-01-31T10:00:00Z, got {value!r}"
            raise TaskFailed(message, retryable=False) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
