"""What the executor reads (events) and what it asks others to do (commands).

The executor is a pure function of (execution, flow, events, now); everything with side effects — running a task,
waiting, starting a child execution — is a command carried out by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from choreo.model.state import State
from choreo.model.task import Task


# -- events -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Start:
    """Begin the execution (CREATED → RUNNING). `running`: executions of the same flow already running, which the
    flow's `concurrency` limit is checked against (QUEUED, CANCELLED or FAILED when the limit is reached)."""

    running: int = 0


@dataclass(frozen=True, slots=True)
class TaskResult:
    """A worker finished an attempt of a task run."""

    task_run_id: str
    state: State
    outputs: dict[str, Any] | None = None
    retryable: bool = True


@dataclass(frozen=True, slots=True)
class Wake:
    """A delay the executor asked for has elapsed (a retry interval, a Pause delay or timeout)."""

    task_run_id: str


@dataclass(frozen=True, slots=True)
class Kill:
    """Stop everything still running; the execution ends KILLED."""


@dataclass(frozen=True, slots=True)
class Resume:
    """Resume a PAUSED execution; `inputs` become the Pause task's `onResume` outputs."""

    inputs: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class SubflowEnded:
    """A child execution started by a Subflow task run ended."""

    task_run_id: str
    execution_id: str
    state: State
    outputs: dict[str, Any] | None = None


Event = Start | TaskResult | Wake | Kill | Resume | SubflowEnded


# -- commands -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RunTask:
    """Run one attempt of a runnable task on a worker."""

    task_run_id: str
    task: Task
    attempt: int
    #: The WorkingDirectory task run whose directory this attempt shares (its children, and its own final
    #: attempt that collects `outputFiles`), with that task to prepare the directory on first use.
    shared_dir: str | None = None
    shared_dir_task: Task | None = None


@dataclass(frozen=True, slots=True)
class WakeAt:
    """Send `Wake(task_run_id)` at `at`."""

    task_run_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CancelTask:
    """Stop a running attempt (kill)."""

    task_run_id: str


@dataclass(frozen=True, slots=True)
class StartSubflow:
    """Create and start a child execution; its end comes back as `SubflowEnded` when `wait` is set."""

    task_run_id: str
    namespace: str
    flow_id: str
    revision: int | None
    inputs: dict[str, Any]
    labels: dict[str, str]
    wait: bool


@dataclass(frozen=True, slots=True)
class ResumeExecution:
    """Resume another, paused execution (execution.Resume); the runner answers with a TaskResult for the task run."""

    task_run_id: str
    execution_id: str
    inputs: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class RetryExecution:
    """The execution ended RETRIED (a CREATE_NEW_EXECUTION retry): start its next attempt, a new execution, at `at`."""

    at: datetime


@dataclass(frozen=True, slots=True)
class SplitItems:
    """Split a stored file into batches (ForEachItem); the result comes back as a TaskResult of `task_run_id` with
    the batch URIs in `splits`."""

    task_run_id: str
    uri: str
    rows: int | None
    partitions: int | None
    separator: str


@dataclass(frozen=True, slots=True)
class LogLine:
    """A log line written by the executor itself (a task that could not start, a failed condition…)."""

    task_run_id: str | None
    level: str
    message: str


Command = RunTask | WakeAt | CancelTask | StartSubflow | ResumeExecution | RetryExecution | SplitItems | LogLine


@dataclass(slots=True)
class StepResult:
    execution: Any
    commands: list[Command] = field(default_factory=list)
