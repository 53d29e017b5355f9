"""The common part of every task: id, type, retry, timeout, runIf, allowFailure… (Kestra's `Task`)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, SerializeAsAny

from choreo.model.base import Part
from choreo.model.plugin import PluginModel, Problem, ValidationScope
from choreo.model.types import Duration, Dynamic, PluginSlot

TASK_ID_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$"

TaskKind = Literal["runnable", "flowable", "executable"]


class LogLevel(enum.StrEnum):
    TRACE = "TRACE"
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"


class RetryBehavior(enum.StrEnum):
    RETRY_FAILED_TASK = "RETRY_FAILED_TASK"
    CREATE_NEW_EXECUTION = "CREATE_NEW_EXECUTION"


class _RetryBase(Part):
    max_attempt: int | None = Field(
        default=None, ge=1, description="Maximum number of attempts, the first one included.", examples=[3]
    )
    max_duration: Duration | None = Field(
        default=None, description="Stop retrying once this much time has passed since the first attempt."
    )
    warning_on_retry: bool = Field(
        default=False, description="End in WARNING instead of SUCCESS when the task succeeded only after retries."
    )
    behavior: RetryBehavior = Field(
        default=RetryBehavior.RETRY_FAILED_TASK,
        description="RETRY_FAILED_TASK adds an attempt to the same task run; "
        "CREATE_NEW_EXECUTION starts a new execution.",
    )


class ConstantRetry(_RetryBase):
    """Retry after the same delay each time."""

    type: Literal["constant"]
    interval: Duration = Field(description="Delay between two attempts.", examples=["PT30S"])


class ExponentialRetry(_RetryBase):
    """Retry after a delay multiplied by `delayFactor` at each attempt, capped by `maxInterval`."""

    type: Literal["exponential"]
    interval: Duration = Field(description="Delay before the second attempt.", examples=["PT1S"])
    max_interval: Duration = Field(description="Longest delay between two attempts.", examples=["PT5M"])
    delay_factor: float | None = Field(default=None, gt=0, description="Multiplier of the delay (default 2).")


class RandomRetry(_RetryBase):
    """Retry after a random delay between `minInterval` and `maxInterval`."""

    type: Literal["random"]
    min_interval: Duration = Field(description="Shortest delay.", examples=["PT1S"])
    max_interval: Duration = Field(description="Longest delay.", examples=["PT10S"])


Retry = Annotated[ConstantRetry | ExponentialRetry | RandomRetry, Field(discriminator="type")]


class WorkerGroupFallback(enum.StrEnum):
    FAIL = "FAIL"
    WAIT = "WAIT"
    CANCEL = "CANCEL"


class WorkerGroup(Part):
    """Run the task only on workers started with this group key."""

    key: str = Field(min_length=1, description="Worker group key.", examples=["gpu"])
    fallback: WorkerGroupFallback = Field(
        default=WorkerGroupFallback.WAIT, description="What to do when no worker of the group is alive."
    )


def check_worker_group(group: WorkerGroup | None, scope: ValidationScope) -> Iterable[Problem]:
    if group is not None and group.key not in scope.worker_groups:
        known = ", ".join(sorted(scope.worker_groups)) or "none is declared"
        yield Problem(
            ("workerGroup",),
            f"unknown worker group '{group.key}' (declared worker groups: {known}); "
            "declare it in the configuration (worker_groups) before using it",
        )


class Task(PluginModel):
    """Common properties of every task."""

    plugin_kind: ClassVar[Literal["task"]] = "task"
    #: runnable: runs on a worker; flowable: resolved by the executor; executable: creates child executions.
    task_kind: ClassVar[TaskKind] = "runnable"

    id: str = Field(
        pattern=TASK_ID_PATTERN,
        max_length=100,
        description="Unique identifier of the task in the flow.",
        examples=["extract"],
    )
    description: str | None = Field(default=None, description="What the task does (Markdown).")
    retry: Retry | None = Field(default=None, description="How to retry the task when it fails.")
    timeout: Dynamic[Duration] | None = Field(
        default=None, description="Maximum run time; the worker cancels the task after it.", examples=["PT10M"]
    )
    disabled: bool = Field(default=False, description="A disabled task is left out of executions.")
    worker_group: WorkerGroup | None = Field(default=None, description="Run only on workers of this group.")
    log_level: LogLevel | None = Field(default=None, description="Minimum level of the logs kept for this task.")
    log_to_file: bool = Field(default=False, description="Store the task's logs in a file instead of the database.")
    allow_failure: bool = Field(
        default=False, description="A failure of this task ends it in WARNING and the execution goes on."
    )
    allow_warning: bool = Field(default=False, description="A WARNING of this task counts as SUCCESS.")
    run_if: Dynamic[bool | str] = Field(
        default="true",
        description="Run the task only when this expression is true; otherwise its task run is SKIPPED.",
        examples=["{{ inputs.enabled }}"],
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from check_worker_group(self.worker_group, scope)


class TaskRunner(PluginModel):
    """Where a script task runs (a host process, a container…)."""

    plugin_kind: ClassVar[Literal["runner"]] = "runner"


Tasks = Annotated[list[SerializeAsAny[Task]], PluginSlot("task", "list")]
TaskMap = Annotated[dict[str, list[SerializeAsAny[Task]]], PluginSlot("task", "map_list")]
OneTask = Annotated[SerializeAsAny[Task], PluginSlot("task", "one")]
OneTaskRunner = Annotated[SerializeAsAny[TaskRunner], PluginSlot("runner", "one")]


class InvalidTask(Task):
    """Placeholder for a task that failed validation, so its parent can still be checked."""

    type_name: ClassVar[str] = ""


def placeholder_task(data: Any) -> Task:
    task_id = data.get("id") if isinstance(data, dict) else None
    return InvalidTask.model_construct(id=task_id if isinstance(task_id, str) else "", type="")
