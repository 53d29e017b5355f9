"""What the repositories take and give back besides `Execution`: small frozen records, one per stored concern."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None, name: str) -> None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a search: `items` in order and `total`, the number of matches over all pages."""

    items: list[T]
    total: int
    page: int
    size: int


class LogLevel(enum.StrEnum):
    TRACE = "TRACE"
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    def and_above(self) -> tuple[LogLevel, ...]:
        """This level and every more severe one (`min_level` filters)."""
        return tuple(level for level in LogLevel if level.severity >= self.severity)


_SEVERITY = {level: rank for rank, level in enumerate(LogLevel)}


@dataclass(frozen=True, slots=True, kw_only=True)
class LogEntry:
    """One log line of a task run or a trigger evaluation (Kestra's `LogEntry`). `id` is set once stored."""

    namespace: str
    flow_id: str
    message: str
    level: LogLevel = LogLevel.INFO
    timestamp: datetime = field(default_factory=utcnow)
    execution_id: str | None = None
    task_id: str | None = None
    task_run_id: str | None = None
    attempt_number: int | None = None
    trigger_id: str | None = None
    thread: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.level, LogLevel):
            object.__setattr__(self, "level", LogLevel(str(self.level).upper()))
        _aware(self.timestamp, "timestamp")

    def to_json(self) -> dict[str, Any]:
        """The document Kestra's API serves for a log line."""
        return {
            "namespace": self.namespace,
            "flowId": self.flow_id,
            "taskId": self.task_id,
            "executionId": self.execution_id,
            "taskRunId": self.task_run_id,
            "attemptNumber": self.attempt_number,
            "triggerId": self.trigger_id,
            "timestamp": self.timestamp.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "level": self.level.value,
            "thread": self.thread,
            "message": self.message,
        }


class MetricType(enum.StrEnum):
    COUNTER = "counter"
    TIMER = "timer"


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricEntry:
    """One metric point emitted by a task run. Timers hold seconds in `value`."""

    name: str
    type: MetricType
    value: float
    namespace: str | None = None
    flow_id: str | None = None
    execution_id: str | None = None
    task_id: str | None = None
    task_run_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    timestamp: datetime = field(default_factory=utcnow)
    id: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.type, MetricType):
            object.__setattr__(self, "type", MetricType(str(self.type).lower()))
        _aware(self.timestamp, "timestamp")


@dataclass(frozen=True, slots=True)
class FlowRecord:
    """One revision of a flow: the YAML `source` exactly as saved and its parsed JSON form."""

    namespace: str
    id: str
    revision: int
    source: str
    flow_json: dict[str, Any]
    deleted: bool
    updated: datetime


class KVType(enum.StrEnum):
    STRING = "STRING"
    NUMBER = "NUMBER"
    BOOLEAN = "BOOLEAN"
    DATETIME = "DATETIME"
    DATE = "DATE"
    DURATION = "DURATION"
    JSON = "JSON"

    @classmethod
    def of(cls, value: Any) -> KVType:
        """The type a value is stored as when none is given."""
        if isinstance(value, bool):
            return cls.BOOLEAN
        if isinstance(value, int | float):
            return cls.NUMBER
        if isinstance(value, datetime):
            return cls.DATETIME
        if isinstance(value, date):
            return cls.DATE
        if isinstance(value, timedelta):
            return cls.DURATION
        if isinstance(value, str):
            return cls.STRING
        return cls.JSON


@dataclass(frozen=True, slots=True)
class KVEntry:
    """A namespace's key/value pair; `value` is a Python object of `type` (datetime, date, timedelta…)."""

    namespace: str
    key: str
    value: Any
    type: KVType
    expires_at: datetime | None
    description: str | None
    created: datetime
    updated: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class TriggerState:
    """What the scheduler remembers about one trigger of one flow.

    `locked_by`/`locked_until` are written only by `triggers.try_lock`/`unlock`; `put` leaves them alone.
    """

    namespace: str
    flow_id: str
    trigger_id: str
    last_date: datetime | None = None
    next_date: datetime | None = None
    backfill: dict[str, Any] | None = None
    disabled: bool = False
    execution_id: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    locked_by: str | None = None
    locked_until: datetime | None = None
    updated: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("last_date", "next_date", "locked_until", "updated"):
            _aware(getattr(self, name), name)


@dataclass(frozen=True, slots=True)
class Job:
    """A queue message. `deliveries` counts the claims so far, this one included."""

    id: int
    kind: str
    key: str | None
    payload: Any
    group: str | None
    available_at: datetime
    created: datetime
    claimed_by: str | None
    claimed_at: datetime | None
    deliveries: int
