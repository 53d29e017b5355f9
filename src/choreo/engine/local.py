"""Running executions in this process: executor steps, workers and timers on one event loop.

Events wake the loop at once (no polling); several events of one execution are applied in one executor step.
Every new state of an execution is handed to `on_update` (the store) before its commands are carried out, so a
crash at any moment leaves the execution as far as it got.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from choreo.engine.effects import new_execution, retry_execution, split_items, subflow_execution, subflow_outputs
from choreo.engine.events import (
    CancelTask,
    Event,
    LogLine,
    Resume,
    ResumeExecution,
    RetryExecution,
    RunTask,
    SplitItems,
    Start,
    StartSubflow,
    SubflowEnded,
    TaskResult,
    Wake,
    WakeAt,
)
from choreo.engine.executor import Executor
from choreo.engine.worker import Worker
from choreo.errors import ChoreoError
from choreo.model.execution import Execution
from choreo.model.flow import Flow
from choreo.model.state import State

#: Finds a flow for a Subflow task: (namespace, flow id, revision) → Flow or None.
FlowSource = Callable[[str, str, int | None], Flow | None]
#: Finds a stored execution that this runner does not hold (execution.Resume of an earlier run), with its flow.
ExecutionSource = Callable[[str], tuple[Execution, Flow] | None]

__all__ = ["ExecutionSource", "FlowSource", "LocalRunner", "new_execution"]


class LocalRunner:
    def __init__(
        self,
        executor: Executor,
        worker: Worker,
        *,
        flows: FlowSource,
        on_update: Callable[[Execution], None] = lambda execution: None,
        on_log: Callable[[str, str | None, int, str, str], None] | None = None,
        executions: ExecutionSource | None = None,
    ) -> None:
        self.executor = executor
        self.worker = worker
        self.flows = flows
        self.stored_executions = executions
        self.on_update = on_update
        self.on_log = on_log or worker.on_log
        self._queue: asyncio.Queue[tuple[str, Event]] = asyncio.Queue()
        self._executions: dict[str, tuple[Execution, Flow]] = {}
        self._running: dict[str, asyncio.Task[None]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._waiting_parents: dict[str, tuple[str, str]] = {}  # child execution → (parent execution, task run)
        self._admitted: set[str] = set()  # executions holding a concurrency slot of their flow
        self._next_attempt: dict[str, str] = {}  # execution ended RETRIED → the execution that retries it

    async def execute(self, flow: Flow, execution: Execution) -> Execution:
        """Run `execution` (and the subflows it starts) until it ends, or pauses with nothing left to wait for."""
        (final,) = await self.execute_all([(flow, execution)])
        return final

    async def execute_all(self, executions: list[tuple[Flow, Execution]]) -> list[Execution]:
        """Run several executions side by side (flow concurrency limits apply) until each has ended."""
        roots = [execution.id for _, execution in executions]
        for flow, execution in executions:
            self._executions[execution.id] = (execution, flow)
            self.on_update(execution)
            self._admit(execution.id)
        while not all(self._finished(self._last_attempt(root)) for root in roots):
            execution_id, event = await self._queue.get()
            batch: dict[str, list[Event]] = {execution_id: [event]}
            while not self._queue.empty():
                other_id, other = self._queue.get_nowait()
                batch.setdefault(other_id, []).append(other)
            for target, events in batch.items():
                self._step(target, events)
        for handle in self._timers.values():
            handle.cancel()
        return [self._executions[self._last_attempt(root)][0] for root in roots]

    def _last_attempt(self, execution_id: str) -> str:
        """The newest execution of a CREATE_NEW_EXECUTION retry chain (the execution itself when not retried)."""
        while execution_id in self._next_attempt:
            execution_id = self._next_attempt[execution_id]
        return execution_id

    def _admit(self, execution_id: str) -> None:
        """Start an execution, counting those of its flow already running against the flow's concurrency limit."""
        execution, flow = self._executions[execution_id]
        running = sum(
            1
            for other_id in self._admitted
            if other_id != execution_id and self._executions[other_id][1].uid == flow.uid
        )
        if flow.concurrency is None or running < flow.concurrency.limit:
            self._admitted.add(execution_id)
        self._queue.put_nowait((execution_id, Start(running)))

    def _release(self, execution: Execution, flow: Flow) -> None:
        """An execution ended: give its concurrency slot to the oldest QUEUED execution of the same flow."""
        self._admitted.discard(execution.id)
        for other_id, (other, other_flow) in self._executions.items():
            if other_flow.uid == flow.uid and other.state.current == State.QUEUED and other_id not in self._admitted:
                self._admit(other_id)
                break

    def _finished(self, root: str) -> bool:
        execution = self._executions[root][0]
        state = execution.state.current
        if self._running or not self._queue.empty():
            return False
        if state.is_terminal:
            return True
        return state == State.PAUSED and not self._timers

    def _step(self, execution_id: str, events: list[Event]) -> None:
        execution, flow = self._executions[execution_id]
        result = self.executor.step(execution, flow, events, datetime.now(UTC))
        execution = result.execution
        self._executions[execution_id] = (execution, flow)
        self.on_update(execution)
        for command in result.commands:
            self._dispatch(execution, flow, command)
        if execution.state.current.is_terminal and not any(
            not run.state.current.is_terminal for run in execution.task_run_list
        ):
            self.worker.release(execution.id)
            self._release(execution, flow)
            parent = self._waiting_parents.pop(execution.id, None)
            if parent is not None:
                outputs, ok = self._subflow_outputs(parent, execution, flow)
                state = execution.state.current if ok else State.FAILED
                ended = SubflowEnded(parent[1], execution.id, state, outputs)
                self._queue.put_nowait((parent[0], ended))

    def _subflow_outputs(
        self, parent: tuple[str, str], child: Execution, child_flow: Flow
    ) -> tuple[dict[str, Any] | None, bool]:
        parent_execution, parent_flow = self._executions[parent[0]]
        run = parent_execution.find_task_run(parent[1])
        task = self.executor.tasks_of(parent_flow).get(run.task_id) if run else None
        outputs, error = subflow_outputs(self.executor.expressions, task, child, child_flow)
        if error:
            self.on_log(parent[0], parent[1], 0, "ERROR", error)
        return outputs, error is None

    def _dispatch(self, execution: Execution, flow: Flow, command: Any) -> None:
        if isinstance(command, RunTask):
            self._running[command.task_run_id] = asyncio.get_running_loop().create_task(
                self._run_task(command, flow, execution)
            )
        elif isinstance(command, WakeAt):
            delay = max((command.at - datetime.now(UTC)).total_seconds(), 0.0)
            loop = asyncio.get_running_loop()
            key = command.task_run_id
            self._timers[key] = loop.call_later(delay, self._wake, execution.id, key)
        elif isinstance(command, CancelTask):
            running = self._running.get(command.task_run_id)
            if running is not None:
                running.cancel()
        elif isinstance(command, StartSubflow):
            self._start_subflow(execution, command)
        elif isinstance(command, ResumeExecution):
            self._queue.put_nowait((execution.id, self._resume_other(execution, command)))
        elif isinstance(command, RetryExecution):
            self._retry(execution, flow, command)
        elif isinstance(command, SplitItems):
            self._queue.put_nowait((execution.id, self._split(execution, command)))
        elif isinstance(command, LogLine):
            self.on_log(execution.id, command.task_run_id, 0, command.level, command.message)

    def _retry(self, execution: Execution, flow: Flow, command: RetryExecution) -> None:
        """Start the next attempt of an execution that ended RETRIED at `command.at`."""
        retry = retry_execution(execution, flow, command)
        self._executions[retry.id] = (retry, flow)
        self._next_attempt[execution.id] = retry.id
        waiting = self._waiting_parents.pop(execution.id, None)
        if waiting is not None:  # a parent waiting on this subflow waits on its retry instead
            self._waiting_parents[retry.id] = waiting
        self.on_update(retry)
        delay = max((command.at - datetime.now(UTC)).total_seconds(), 0.0)
        key = f"retry:{retry.id}"
        self._timers[key] = asyncio.get_running_loop().call_later(delay, self._start_retry, key, retry.id)

    def _start_retry(self, key: str, execution_id: str) -> None:
        self._timers.pop(key, None)
        self._admit(execution_id)

    def _resume_other(self, execution: Execution, command: ResumeExecution) -> TaskResult:
        """execution.Resume of another execution: resume it if it is paused; the task fails otherwise."""
        target = self._executions.get(command.execution_id)
        if target is None and self.stored_executions is not None:
            found = self.stored_executions(command.execution_id)
            if found is not None:
                target = self._executions[command.execution_id] = found
        if target is None or target[0].state.current != State.PAUSED:
            why = "does not exist" if target is None else f"is {target[0].state.current.value}, not PAUSED"
            self.on_log(execution.id, command.task_run_id, 1, "ERROR", f"execution {command.execution_id} {why}")
            return TaskResult(command.task_run_id, State.FAILED, retryable=False)
        self._queue.put_nowait((command.execution_id, Resume(command.inputs)))
        return TaskResult(command.task_run_id, State.SUCCESS)

    def _split(self, execution: Execution, command: SplitItems) -> TaskResult:
        result, error = split_items(self.worker.storage, execution, command)
        if error:
            self.on_log(execution.id, command.task_run_id, 1, "ERROR", error)
        return result

    def _wake(self, execution_id: str, task_run_id: str) -> None:
        self._timers.pop(task_run_id, None)
        self._queue.put_nowait((execution_id, Wake(task_run_id)))

    async def _run_task(self, command: RunTask, flow: Flow, execution: Execution) -> None:
        try:
            result = await self.worker.run(command, flow, execution)
        except asyncio.CancelledError:
            result = TaskResult(command.task_run_id, State.KILLED, retryable=False)
        finally:
            self._running.pop(command.task_run_id, None)
        self._queue.put_nowait((execution.id, result))

    def _start_subflow(self, parent: Execution, command: StartSubflow) -> None:
        child_flow = self.flows(command.namespace, command.flow_id, command.revision)
        if child_flow is None:
            message = f"Unable to find flow '{command.namespace}'.'{command.flow_id}'"
            self.on_log(parent.id, command.task_run_id, 0, "ERROR", message)
            self._queue.put_nowait((parent.id, SubflowEnded(command.task_run_id, "", State.FAILED)))
            return
        try:
            child = subflow_execution(parent, command, child_flow)
        except ChoreoError as exc:
            self.on_log(parent.id, command.task_run_id, 0, "ERROR", str(exc))
            self._queue.put_nowait((parent.id, SubflowEnded(command.task_run_id, "", State.FAILED)))
            return
        self._executions[child.id] = (child, child_flow)
        self.on_update(child)
        if command.wait:
            self._waiting_parents[child.id] = (parent.id, command.task_run_id)
        self._admit(child.id)
