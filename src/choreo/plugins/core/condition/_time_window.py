"""The time window over which Flow-trigger preconditions and MultipleCondition collect upstream executions.

Kestra's `io.kestra.core.models.triggers.TimeWindow`, with the checks of its `TimeWindowValidator`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import time

from pydantic import Field

from choreo.model.base import Part
from choreo.model.plugin import Path, Problem
from choreo.model.types import Duration


class TimeWindowType(enum.StrEnum):
    DAILY_TIME_DEADLINE = "DAILY_TIME_DEADLINE"
    DAILY_TIME_WINDOW = "DAILY_TIME_WINDOW"
    DURATION_WINDOW = "DURATION_WINDOW"
    SLIDING_WINDOW = "SLIDING_WINDOW"


class TimeWindow(Part):
    """When the preconditions must all be met: a moving duration window, a sliding window or a daily time range.

    ```yaml
    timeWindow:
      type: DAILY_TIME_DEADLINE
      deadline: "09:00:00"
    ```
    """

    type: TimeWindowType = Field(
        default=TimeWindowType.DURATION_WINDOW,
        description="DURATION_WINDOW (default): consecutive windows of `window` starting at midnight shifted by "
        "`windowAdvance`; SLIDING_WINDOW: the last `window` before now; DAILY_TIME_DEADLINE: from midnight until "
        "`deadline` each day; DAILY_TIME_WINDOW: from `startTime` to `endTime` each day.",
    )
    deadline: time | None = Field(
        default=None, description="Daily cutoff, for DAILY_TIME_DEADLINE only.", examples=["09:00:00"]
    )
    window: Duration | None = Field(
        default=None,
        description="Length of the window, for DURATION_WINDOW and SLIDING_WINDOW (default one day).",
        examples=["PT6H", "P1D"],
    )
    window_advance: Duration | None = Field(
        default=None,
        description="Shift of the window start from midnight, for DURATION_WINDOW only.",
        examples=["PT6H"],
    )
    start_time: time | None = Field(
        default=None, description="Daily start, for DAILY_TIME_WINDOW only.", examples=["06:00:00"]
    )
    end_time: time | None = Field(
        default=None, description="Daily end, for DAILY_TIME_WINDOW only.", examples=["09:00:00"]
    )

    def problems(self, path: Path) -> Iterable[Problem]:
        """What this window sets that its type does not allow, or misses that it needs (Kestra's messages)."""
        kind = f"Time window of type `{self.type}`"
        forbidden: dict[TimeWindowType, tuple[tuple[str, object, str], ...]] = {
            TimeWindowType.DAILY_TIME_DEADLINE: (
                ("window", self.window, "a window"),
                ("windowAdvance", self.window_advance, "a window advance"),
                ("startTime", self.start_time, "a start time"),
                ("endTime", self.end_time, "an end time"),
            ),
            TimeWindowType.DAILY_TIME_WINDOW: (
                ("window", self.window, "a window"),
                ("windowAdvance", self.window_advance, "a window advance"),
                ("deadline", self.deadline, "a deadline"),
            ),
            TimeWindowType.DURATION_WINDOW: (
                ("deadline", self.deadline, "a deadline"),
                ("startTime", self.start_time, "a start time"),
                ("endTime", self.end_time, "an end time"),
            ),
            TimeWindowType.SLIDING_WINDOW: (
                ("deadline", self.deadline, "a deadline"),
                ("startTime", self.start_time, "a start time"),
                ("endTime", self.end_time, "an end time"),
                ("windowAdvance", self.window_advance, "a window advance"),
            ),
        }
        for key, value, what in forbidden[self.type]:
            if value is not None:
                yield Problem((*path, key), f"{kind} cannot have {what}.")
        if self.type == TimeWindowType.DAILY_TIME_DEADLINE and self.deadline is None:
            yield Problem((*path, "deadline"), f"{kind} must have a deadline.")
        if self.type == TimeWindowType.DAILY_TIME_WINDOW:
            if self.start_time is None:
                yield Problem((*path, "startTime"), f"{kind} must have a start time.")
            if self.end_time is None:
                yield Problem((*path, "endTime"), f"{kind} must have an end time.")
