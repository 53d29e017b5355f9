"""Executions and task runs, shaped like Kestra's JSON documents (`GET /api/v1/main/executions/{id}`).

Immutable: every change returns a copy (`execution.with_task_run(run)`), so the executor stays a pure function.
Dates are timezone-aware UTC datetimes, serialized as ISO-8601 with `Z`.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_camel

from choreo.model.labels import Label
from choreo.model.state import State

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def new_id() -> str:
    """A random 22-character base62 id, like Kestra's `IdUtils.create()`."""
    number = int.from_bytes(secrets.token_bytes(16), "big")
    chars = []
    for _ in range(22):
        number, rest = divmod(number, 62)
        chars.append(_BASE62[rest])
    return "".join(chars)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    return text


Instant = Annotated[datetime, PlainSerializer(_iso, return_type=str, when_used="json")]

_CONFIG = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore")


class StateHistory(BaseModel):
    model_config = _CONFIG

    state: State
    date: Instant


class StateRecord(BaseModel):
    """A current state and every state before it, with dates (Kestra's `State`)."""

    model_config = _CONFIG

    current: State = State.CREATED
    histories: tuple[StateHistory, ...] = ()

    @classmethod
    def new(cls, state: State = State.CREATED, at: datetime | None = None) -> StateRecord:
        return cls(current=state, histories=(StateHistory(state=state, date=at or utcnow()),))

    def to(self, state: State, at: datetime | None = None) -> StateRecord:
        """This record moved to `state` (a no-op when it is already there)."""
        if state == self.current and self.histories:
            return self
        return StateRecord(current=state, histories=(*self.histories, StateHistory(state=state, date=at or utcnow())))

    @property
    def start_date(self) -> datetime | None:
        return self.histories[0].date if self.histories else None

    @property
    def end_date(self) -> datetime | None:
        return self.histories[-1].date if self.histories and self.current.is_terminal else None

    @property
    def duration_seconds(self) -> float | None:
        start = self.start_date
        if start is None:
            return None
        end = self.end_date or utcnow()
        return (end - start).total_seconds()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        start, end = self.start_date, self.end_date
        data["startDate"] = _iso(start) if start else None
        data["endDate"] = _iso(end) if end else None
        duration = self.duration_seconds
        data["duration"] = f"PT{duration:.6f}".rstrip("0").rstrip(".") + "S" if duration is not None else None
        return data


class TaskRunAttempt(BaseModel):
    model_config = _CONFIG

    state: StateRecord = Field(default_factory=StateRecord.new)
    worker_id: str | None = None


_DOCUMENTS: OrderedDict[int, tuple[TaskRun, dict[str, Any]]] = OrderedDict()
_DOCUMENTS_MAX = 50_000


def _run_document(run: TaskRun) -> dict[str, Any]:
    """A task run's JSON document, computed once per (immutable) task run: an execution is saved after every step,
    and most of its task runs have not changed since the last save. Callers must not mutate the result."""
    cached = _DOCUMENTS.get(id(run))
    if cached is not None and cached[0] is run:
        return cached[1]
    document = run.model_dump(mode="json", by_alias=True)
    _DOCUMENTS[id(run)] = (run, document)
    if len(_DOCUMENTS) > _DOCUMENTS_MAX:
        _DOCUMENTS.popitem(last=False)
    return document


class TaskRun(BaseModel):
    """One run of one task (one per loop value in ForEach), with its attempts and outputs."""

    model_config = _CONFIG

    id: str = Field(default_factory=new_id)
    execution_id: str
    namespace: str
    flow_id: str
    task_id: str
    parent_task_run_id: str | None = None
    value: str | None = None
    iteration: int | None = None
    attempts: tuple[TaskRunAttempt, ...] = ()
    outputs: dict[str, Any] | None = None
    state: StateRecord = Field(default_factory=StateRecord.new)
    items: str | None = None

    def with_state(self, state: State, at: datetime | None = None) -> TaskRun:
        return self.model_copy(update={"state": self.state.to(state, at)})


class ExecutionTrigger(BaseModel):
    model_config = _CONFIG

    id: str
    type: str
    variables: dict[str, Any] = Field(default_factory=dict)


class ExecutionMetadata(BaseModel):
    """Kestra's execution metadata: which attempt of a CREATE_NEW_EXECUTION retry this execution is."""

    model_config = _CONFIG

    attempt_number: int = 1
    original_created_date: Instant | None = None


class Execution(BaseModel):
    model_config = _CONFIG

    id: str = Field(default_factory=new_id)
    namespace: str
    flow_id: str
    flow_revision: int = 1
    tenant_id: str | None = None
    state: StateRecord = Field(default_factory=StateRecord.new)
    inputs: dict[str, Any] = Field(default_factory=dict)
    outputs: dict[str, Any] | None = None
    labels: tuple[Label, ...] = ()
    variables: dict[str, Any] | None = None
    task_run_list: tuple[TaskRun, ...] = ()
    parent_id: str | None = None
    original_id: str | None = None
    trigger: ExecutionTrigger | None = None
    schedule_date: Instant | None = None
    deleted: bool = False
    metadata: ExecutionMetadata | None = None

    def __repr__(self) -> str:
        # Short: executions get large, and asyncio or logging may repr them in passing.
        return (
            f"Execution(id={self.id!r}, flow={self.namespace}.{self.flow_id}, state={self.state.current.value}, "
            f"task_runs={len(self.task_run_list)})"
        )

    def with_state(self, state: State, at: datetime | None = None) -> Execution:
        return self.model_copy(update={"state": self.state.to(state, at)})

    def with_task_run(self, run: TaskRun) -> Execution:
        """This execution with `run` added, or replacing the run with the same id."""
        runs = list(self.task_run_list)
        for index, existing in enumerate(runs):
            if existing.id == run.id:
                runs[index] = run
                break
        else:
            runs.append(run)
        return self.model_copy(update={"task_run_list": tuple(runs)})

    def document(self) -> dict[str, Any]:
        """The stored JSON document (camelCase). Unchanged task runs reuse their cached documents."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude={"task_run_list"})
        data["taskRunList"] = [_run_document(run) for run in self.task_run_list]
        return data

    def find_task_run(self, task_run_id: str) -> TaskRun | None:
        return next((run for run in self.task_run_list if run.id == task_run_id), None)

    def to_json(self) -> dict[str, Any]:
        """The document Kestra's API serves for an execution."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        data["state"] = self.state.to_json()
        for run_data, run in zip(data["taskRunList"], self.task_run_list, strict=True):
            run_data["state"] = run.state.to_json()
            for attempt_data, attempt in zip(run_data["attempts"], run.attempts, strict=True):
                attempt_data["state"] = attempt.state.to_json()
        return data
