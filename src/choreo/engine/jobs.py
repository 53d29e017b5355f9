"""Events and task attempts as queue jobs: the JSON the store's queue carries between the API, executors and
workers, which may be other processes on other machines.

Two kinds: `execution` jobs carry an event for one execution (keyed by its id; a delayed job is a timer), `task`
jobs carry one attempt of a runnable task for a worker (grouped by worker group).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from choreo.engine.events import Event, Kill, Resume, RunTask, Start, SubflowEnded, TaskResult, Wake
from choreo.model.state import State

EXECUTION_JOB = "execution"
TASK_JOB = "task"


def event_payload(event: Event) -> dict[str, Any]:
    if isinstance(event, Start):
        return {"event": "start"}
    if isinstance(event, TaskResult):
        return {
            "event": "result",
            "taskRunId": event.task_run_id,
            "state": event.state.value,
            "outputs": event.outputs,
            "retryable": event.retryable,
        }
    if isinstance(event, Wake):
        return {"event": "wake", "taskRunId": event.task_run_id}
    if isinstance(event, Kill):
        return {"event": "kill"}
    if isinstance(event, Resume):
        return {"event": "resume", "inputs": event.inputs}
    if isinstance(event, SubflowEnded):
        return {
            "event": "subflow",
            "taskRunId": event.task_run_id,
            "executionId": event.execution_id,
            "state": event.state.value,
            "outputs": event.outputs,
        }
    raise TypeError(f"not a queued event: {event!r}")


def payload_event(payload: dict[str, Any]) -> Event:
    """The event of an `execution` job (Start's running count is filled in by the executor service)."""
    kind = payload["event"]
    if kind == "start":
        return Start()
    if kind == "result":
        return TaskResult(payload["taskRunId"], State(payload["state"]), payload.get("outputs"), payload["retryable"])
    if kind == "wake":
        return Wake(payload["taskRunId"])
    if kind == "kill":
        return Kill()
    if kind == "resume":
        return Resume(payload.get("inputs"))
    if kind == "subflow":
        return SubflowEnded(
            payload["taskRunId"], payload["executionId"], State(payload["state"]), payload.get("outputs")
        )
    raise ValueError(f"unknown execution job event {kind!r}")


@dataclass(frozen=True, slots=True)
class TaskJob:
    """One attempt of a runnable task, as a worker receives it: the flow revision and task ids to look them up."""

    execution_id: str
    task_run_id: str
    task_id: str
    attempt: int
    namespace: str
    flow_id: str
    revision: int
    shared_dir: str | None = None
    shared_dir_task_id: str | None = None

    @classmethod
    def of(cls, command: RunTask, namespace: str, flow_id: str, revision: int, execution_id: str) -> TaskJob:
        return cls(
            execution_id=execution_id,
            task_run_id=command.task_run_id,
            task_id=command.task.id,
            attempt=command.attempt,
            namespace=namespace,
            flow_id=flow_id,
            revision=revision,
            shared_dir=command.shared_dir,
            shared_dir_task_id=command.shared_dir_task.id if command.shared_dir_task is not None else None,
        )

    def payload(self) -> dict[str, Any]:
        return {
            "executionId": self.execution_id,
            "taskRunId": self.task_run_id,
            "taskId": self.task_id,
            "attempt": self.attempt,
            "namespace": self.namespace,
            "flowId": self.flow_id,
            "revision": self.revision,
            "sharedDir": self.shared_dir,
            "sharedDirTaskId": self.shared_dir_task_id,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> TaskJob:
        return cls(
            execution_id=payload["executionId"],
            task_run_id=payload["taskRunId"],
            task_id=payload["taskId"],
            attempt=payload["attempt"],
            namespace=payload["namespace"],
            flow_id=payload["flowId"],
            revision=payload["revision"],
            shared_dir=payload.get("sharedDir"),
            shared_dir_task_id=payload.get("sharedDirTaskId"),
        )
