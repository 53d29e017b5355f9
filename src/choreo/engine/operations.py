"""Operations on an ended execution, as pure functions: restart (same execution, failed task runs get a new
attempt) and replay (a new execution, optionally from one task run). Kestra's ExecutionService semantics."""

from __future__ import annotations

from datetime import UTC, datetime

from choreo.errors import ChoreoError
from choreo.model.execution import Execution, StateRecord, TaskRun, new_id
from choreo.model.flow import Flow
from choreo.model.state import FAILED_STATES, State
from choreo.model.task import Task
from choreo.model.walk import iter_plugins

RESTARTABLE = frozenset({State.FAILED, State.KILLED, State.PAUSED, State.CANCELLED, State.WARNING})


class OperationRefused(ChoreoError):
    """The execution is not in a state that allows the operation."""


def _branch_task_ids(flow: Flow, branch: str) -> set[str]:
    """Ids of every task inside an `errors` (or `finally`/`afterExecution`) list, anywhere in the flow."""
    ids: set[str] = set()
    containers = [flow, *(plugin for _, plugin in iter_plugins(flow))]
    for container in containers:
        for task in getattr(container, branch, None) or ():
            if isinstance(task, Task):
                ids.add(task.id)
                ids.update(p.id for _, p in iter_plugins(task) if isinstance(p, Task))
    return ids


def _descendants(runs: list[TaskRun], roots: set[str]) -> set[str]:
    found = set(roots)
    changed = True
    while changed:
        changed = False
        for run in runs:
            if run.parent_task_run_id in found and run.id not in found:
                found.add(run.id)
                changed = True
    return found


def restart(execution: Execution, flow: Flow, now: datetime | None = None) -> Execution:
    """Failed task runs and their ancestors go back to RESTARTED (a failed runnable gets a new attempt when the
    executor resumes), error-branch and afterExecution runs are dropped; the execution is RESTARTED."""
    now = now or datetime.now(UTC)
    if execution.state.current not in RESTARTABLE:
        raise OperationRefused(
            f"execution {execution.id} is {execution.state.current.value}; only a failed, killed, "
            "paused or cancelled execution can be restarted"
        )
    runs = list(execution.task_run_list)
    dropped_tasks = _branch_task_ids(flow, "errors") | _branch_task_ids(flow, "after_execution")
    dropped = _descendants(runs, {run.id for run in runs if run.task_id in dropped_tasks})
    runs = [run for run in runs if run.id not in dropped]
    by_id = {run.id: run for run in runs}
    restarted: set[str] = set()
    for run in runs:
        if run.state.current in FAILED_STATES or run.state.current == State.PAUSED:
            current: TaskRun | None = run
            while current is not None and current.id not in restarted:
                restarted.add(current.id)
                current = by_id.get(current.parent_task_run_id) if current.parent_task_run_id else None
    runs = [run.with_state(State.RESTARTED, now) if run.id in restarted else run for run in runs]
    return execution.model_copy(
        update={"task_run_list": tuple(runs), "state": execution.state.to(State.RESTARTED, now), "outputs": None}
    )


def replay(execution: Execution, task_run_id: str | None = None, now: datetime | None = None) -> Execution:
    """A new execution of the same flow and inputs (`originalId` set). From a task run: the runs before it are kept
    (with new ids), its ancestors are reopened, it and everything after it run again."""
    now = now or datetime.now(UTC)
    if not execution.state.current.is_terminal:
        raise OperationRefused(
            f"execution {execution.id} is {execution.state.current.value}; only an ended execution can be replayed"
        )
    new_execution_id = new_id()
    kept: list[TaskRun] = []
    if task_run_id is not None:
        runs = list(execution.task_run_list)
        position = next((i for i, run in enumerate(runs) if run.id == task_run_id), None)
        if position is None:
            raise OperationRefused(f"task run {task_run_id} is not part of execution {execution.id}")
        by_id = {run.id: run for run in runs}
        ancestors: set[str] = set()
        parent = runs[position].parent_task_run_id
        while parent is not None and parent in by_id:
            ancestors.add(parent)
            parent = by_id[parent].parent_task_run_id
        ids = {run.id: new_id() for run in runs[:position]}
        for run in runs[:position]:
            if run.id not in ancestors and not run.state.current.is_terminal:
                continue
            copy = run.model_copy(
                update={
                    "id": ids[run.id],
                    "execution_id": new_execution_id,
                    "parent_task_run_id": ids.get(run.parent_task_run_id) if run.parent_task_run_id else None,
                }
            )
            kept.append(copy.with_state(State.RUNNING, now) if run.id in ancestors else copy)
    return Execution(
        id=new_execution_id,
        namespace=execution.namespace,
        flow_id=execution.flow_id,
        flow_revision=execution.flow_revision,
        tenant_id=execution.tenant_id,
        state=StateRecord.new(State.CREATED, now),
        inputs=execution.inputs,
        labels=execution.labels,
        task_run_list=tuple(kept),
        parent_id=execution.parent_id,
        original_id=execution.original_id or execution.id,
        trigger=execution.trigger,
    )


#: The states a task run can be set to by hand (Kestra's "change status" of a task run).
SETTABLE_TASK_RUN_STATES = frozenset({State.SUCCESS, State.WARNING, State.FAILED, State.KILLED, State.CANCELLED})


def change_task_run_state(
    execution: Execution, flow: Flow, task_run_id: str, state: State, now: datetime | None = None
) -> Execution:
    """Set a task run to `state` by hand; its flowable ancestors are reopened (RUNNING) and a terminal execution
    goes back to RESTARTED, so the executor resumes from there as if the task had ended that way."""
    now = now or datetime.now(UTC)
    if state not in SETTABLE_TASK_RUN_STATES:
        allowed = ", ".join(sorted(s.value for s in SETTABLE_TASK_RUN_STATES))
        raise OperationRefused(f"a task run cannot be set to {state.value} (allowed: {allowed})")
    if not (execution.state.current.is_terminal or execution.state.current == State.PAUSED):
        raise OperationRefused(
            f"execution {execution.id} is {execution.state.current.value}; "
            "only an ended or paused execution can have a task run changed"
        )
    by_id = {run.id: run for run in execution.task_run_list}
    target = by_id.get(task_run_id)
    if target is None:
        raise OperationRefused(f"task run {task_run_id} is not part of execution {execution.id}")
    if target.state.current == state:
        raise OperationRefused(f"task run {task_run_id} is already {state.value}")
    ancestors: set[str] = set()
    parent = target.parent_task_run_id
    while parent is not None and parent in by_id:
        ancestors.add(parent)
        parent = by_id[parent].parent_task_run_id
    runs = []
    for run in execution.task_run_list:
        if run.id == task_run_id:
            run = run.with_state(state, now)
            if run.attempts:
                last = run.attempts[-1].model_copy(update={"state": run.attempts[-1].state.to(state, now)})
                run = run.model_copy(update={"attempts": (*run.attempts[:-1], last)})
        elif run.id in ancestors:
            run = run.with_state(State.RUNNING, now)
        runs.append(run)
    next_state = State.RUNNING if execution.state.current == State.PAUSED else State.RESTARTED
    return execution.model_copy(
        update={"task_run_list": tuple(runs), "state": execution.state.to(next_state, now), "outputs": None}
    )
