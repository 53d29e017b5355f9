"""The executor: a pure state machine over an execution.

`Executor.step(execution, flow, events, now)` applies events (worker results, wake-ups, kill, resume…), resolves
what comes next in the task tree (Kestra's semantics: sequences, parallel branches, loops, errors and finally
branches, runIf, retries held here as delays), and returns the new execution with the commands to carry out.
It does no I/O and never runs a task: the caller stores the execution and executes the commands.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from choreo.engine import flowables
from choreo.engine.events import (
    CancelTask,
    Command,
    Event,
    Kill,
    LogLine,
    Resume,
    RetryExecution,
    RunTask,
    Start,
    StepResult,
    SubflowEnded,
    TaskResult,
    Wake,
    WakeAt,
)
from choreo.engine.retry import RetryPolicy, next_attempt_at, next_retry_at
from choreo.engine.variables import build_variables
from choreo.errors import ChoreoError
from choreo.expr import ExpressionEngine
from choreo.expr.truth import truthy
from choreo.model.execution import Execution, StateRecord, TaskRun, TaskRunAttempt
from choreo.model.flow import ConcurrencyBehavior, Flow, SlaBehavior, SlaType
from choreo.model.labels import Label
from choreo.model.state import FAILED_STATES, State
from choreo.model.task import RetryBehavior, Task
from choreo.model.walk import iter_plugins
from choreo.plugins.core.flow.subflow import Subflow
from choreo.plugins.core.flow.template import Template

#: Wake-ups of SLA deadlines carry this prefix instead of a task-run id.
SLA_PREFIX = "sla:"


class Work:
    """A mutable view of one execution during one step: runs by id and by (parent, task, value), commands."""

    def __init__(self, executor: Executor, execution: Execution, flow: Flow, now: datetime) -> None:
        self.executor = executor
        self.execution = execution
        self.flow = flow
        self.now = now
        self.runs: list[TaskRun] = list(execution.task_run_list)
        self.position = {run.id: i for i, run in enumerate(self.runs)}
        self.by_key = {(run.parent_task_run_id, run.task_id, run.value, run.iteration): run.id for run in self.runs}
        self.commands: list[Command] = []
        self.changed = False
        #: Set by an Exit task: no new task run starts in this step's main resolution.
        self.halted = False
        #: Conditions and loop values rendered in this step, by (task run, property): read once per step.
        self.rendered: dict[tuple[str, str], Any] = {}
        self.tasks = executor.tasks_of(flow)

    # -- runs ---------------------------------------------------------------------------------------------------
    def run(self, run_id: str) -> TaskRun:
        return self.runs[self.position[run_id]]

    def find(
        self, parent_id: str | None, task_id: str, value: str | None, iteration: int | None = None
    ) -> TaskRun | None:
        run_id = self.by_key.get((parent_id, task_id, value, iteration))
        return self.runs[self.position[run_id]] if run_id is not None else None

    def put(self, run: TaskRun) -> TaskRun:
        index = self.position.get(run.id)
        if index is None:
            self.position[run.id] = len(self.runs)
            self.runs.append(run)
            self.by_key[(run.parent_task_run_id, run.task_id, run.value, run.iteration)] = run.id
        else:
            self.runs[index] = run
        self.changed = True
        return run

    def set_state(self, run: TaskRun, state: State, outputs: dict[str, Any] | None = None) -> TaskRun:
        update: dict[str, Any] = {"state": run.state.to(state, self.now)}
        if outputs is not None:
            update["outputs"] = outputs
        if run.attempts and state.is_terminal and not run.attempts[-1].state.current.is_terminal:
            last = run.attempts[-1]
            attempt = last.model_copy(update={"state": last.state.to(state, self.now)})
            update["attempts"] = (*run.attempts[:-1], attempt)
        return self.put(run.model_copy(update=update))

    def snapshot(self) -> Execution:
        return self.execution.model_copy(update={"task_run_list": tuple(self.runs)})

    def set_execution_state(self, state: State) -> None:
        if self.execution.state.current != state:
            self.execution = self.execution.with_state(state, self.now)
            self.changed = True

    def log(self, run: TaskRun | None, level: str, message: str) -> None:
        self.commands.append(LogLine(run.id if run else None, level, message))

    # -- rendering ----------------------------------------------------------------------------------------------
    def variables(self, task: Task | None = None, run: TaskRun | None = None) -> dict[str, Any]:
        return build_variables(self.flow, self.snapshot(), task=task, run=run, envs=self.executor.envs)

    def render(self, value: Any, task: Task, run: TaskRun | None) -> Any:
        return self.executor.expressions.render_value(value, self.variables(task, run))

    # -- creating runs ------------------------------------------------------------------------------------------
    def create(self, task: Task, parent: TaskRun | None, value: str | None, iteration: int | None = None) -> TaskRun:
        """A new task run of `task`: SKIPPED when runIf is false, otherwise started (runnable) or opened (flowable)."""
        run = TaskRun(
            execution_id=self.execution.id,
            namespace=self.execution.namespace,
            flow_id=self.execution.flow_id,
            task_id=task.id,
            parent_task_run_id=parent.id if parent else None,
            value=value if value is not None else (parent.value if parent else None),
            iteration=iteration if iteration is not None else (parent.iteration if parent else None),
        )
        run = run.model_copy(update={"state": StateRecord.new(State.CREATED, self.now)})
        self.put(run)
        condition = task.run_if
        if condition is not True and condition != "true":
            try:
                go = truthy(self.render(condition, task, run))
            except ChoreoError as exc:
                return self.fail(run, f"runIf of task '{task.id}' could not be evaluated: {exc}")
            if not go:
                return self.set_state(run, State.SKIPPED)
        return self.start(task, run)

    def start(self, task: Task, run: TaskRun) -> TaskRun:
        if task.task_kind == "runnable" and not flowables.is_executor_side(task):
            return self.new_attempt(task, run)
        run = self.set_state(run, State.RUNNING)
        return flowables.on_start(self, task, run)

    def new_attempt(self, task: Task, run: TaskRun) -> TaskRun:
        """Start one more attempt of a runnable task: RUNNING, and a RunTask command for a worker."""
        attempt = TaskRunAttempt(state=StateRecord.new(State.RUNNING, self.now))
        update = {"state": run.state.to(State.RUNNING, self.now), "attempts": (*run.attempts, attempt)}
        run = self.put(run.model_copy(update=update))
        shared = flowables.enclosing_working_directory(self, task, run)
        self.commands.append(
            RunTask(run.id, task, len(run.attempts), shared[0].id if shared else None, shared[1] if shared else None)
        )
        return run

    def retry_policy(self, task: Task, run: TaskRun) -> RetryPolicy | None:
        """The task's own retry, else that of its nearest flowable parent, else the flow's. Its `behavior` says
        whether the task run gets a new attempt or the execution a new execution (CREATE_NEW_EXECUTION)."""
        if task.retry is not None:
            return task.retry
        current = run
        while current.parent_task_run_id is not None and current.parent_task_run_id in self.position:
            current = self.run(current.parent_task_run_id)
            parent = self.tasks.get(current.task_id)
            if parent is not None and parent.retry is not None:
                return parent.retry
        return self.flow.retry

    def in_place_retry(self, task: Task, run: TaskRun) -> RetryPolicy | None:
        """The retry policy when it gives the failed task run a new attempt (RETRY_FAILED_TASK)."""
        policy = self.retry_policy(task, run)
        return policy if policy is not None and policy.behavior == RetryBehavior.RETRY_FAILED_TASK else None

    def execution_retry_at(self) -> datetime | None:
        """When a failed runnable task's policy is CREATE_NEW_EXECUTION and allows one more execution: its date."""
        metadata = self.execution.metadata
        attempts = metadata.attempt_number if metadata else 1
        first = metadata.original_created_date if metadata else None
        first = first or self.execution.state.start_date
        for run in self.runs:
            task = self.tasks.get(run.task_id)
            if run.state.current != State.FAILED or task is None or task.task_kind != "runnable":
                continue
            policy = self.retry_policy(task, run)
            if policy is not None and policy.behavior == RetryBehavior.CREATE_NEW_EXECUTION:
                return next_retry_at(policy, attempts, first, self.now)
        return None

    def fail(self, run: TaskRun, message: str) -> TaskRun:
        self.log(run, "ERROR", message)
        return self.set_state(run, State.FAILED)


#: Finds a template for the (deprecated) Template task: (namespace, template id) → a flow-shaped document or None.
TemplateSource = Callable[[str, str], Flow | None]


class Executor:
    """Holds what the pure step needs: the expression engine, the environment variables templates see, and where
    the Template task finds its templates."""

    def __init__(
        self,
        expressions: ExpressionEngine,
        *,
        envs: dict[str, str] | None = None,
        templates: TemplateSource | None = None,
    ) -> None:
        self.expressions = expressions
        self.envs = envs
        self.templates = templates
        self._tasks: dict[int, tuple[Flow, dict[str, Task]]] = {}

    def template(self, task: Template) -> Flow | None:
        return self.templates(task.namespace, task.template_id) if self.templates is not None else None

    def tasks_of(self, flow: Flow) -> dict[str, Task]:
        """Every task of the flow by id (ids are unique across the flow) — those of the templates its Template
        tasks include as well — computed once per flow object."""
        cached = self._tasks.get(id(flow))
        if cached is not None and cached[0] is flow:
            return cached[1]
        tasks = {plugin.id: plugin for _, plugin in iter_plugins(flow) if isinstance(plugin, Task)}
        for task in [task for task in tasks.values() if isinstance(task, Template)]:
            template = self.template(task)
            if template is not None:
                tasks.update((p.id, p) for _, p in iter_plugins(template) if isinstance(p, Task))
        if len(self._tasks) > 256:
            self._tasks.clear()
        self._tasks[id(flow)] = (flow, tasks)
        return tasks

    def step(self, execution: Execution, flow: Flow, events: list[Event], now: datetime | None = None) -> StepResult:
        work = Work(self, execution, flow, now or datetime.now(UTC))
        for event in events:
            self._apply(work, event)
        for _ in range(10_000):  # resolve until nothing changes (each round may open new branches)
            if not self._active(work):
                break
            work.changed = False
            self._advance(work)
            if not work.changed:
                break
        return StepResult(work.snapshot(), work.commands)

    @staticmethod
    def _active(work: Work) -> bool:
        current = work.execution.state.current
        if current == State.RUNNING:
            return True
        return (
            current.is_terminal and current != State.KILLED and bool(work.flow.after_execution or work.flow.listeners)
        )

    # -- events -------------------------------------------------------------------------------------------------
    def _apply(self, work: Work, event: Event) -> None:
        if isinstance(event, Start):
            if work.execution.state.current in (State.CREATED, State.QUEUED, State.RESTARTED):
                limit = work.flow.concurrency
                if limit is not None and event.running >= limit.limit:
                    self._over_limit(work, limit.behavior)
                    return
                work.set_execution_state(State.RUNNING)
                for sla in work.flow.sla or ():
                    if sla.type == SlaType.MAX_DURATION and sla.duration is not None:
                        work.commands.append(WakeAt(f"{SLA_PREFIX}{sla.id}", work.now + sla.duration))
        elif isinstance(event, TaskResult):
            self._task_result(work, event)
        elif isinstance(event, Wake):
            self._wake(work, event.task_run_id)
        elif isinstance(event, Kill):
            self.kill(work)
        elif isinstance(event, Resume):
            self._resume(work, event.inputs)
        elif isinstance(event, SubflowEnded):
            flowables.subflow_ended(work, event)

    def _task_result(self, work: Work, result: TaskResult) -> None:
        if result.task_run_id not in work.position:
            return
        run = work.run(result.task_run_id)
        if run.state.current.is_terminal:
            return  # killed meanwhile: a late result changes nothing
        task = work.tasks.get(run.task_id)
        if task is None:  # an internal step of a flowable task (ForEachItem's split)
            work.set_state(run, result.state, result.outputs)
            return
        state = result.state
        if state == State.RESUBMITTED:  # its worker died: this attempt is RESUBMITTED, a new one starts
            last = run.attempts[-1]
            attempts = (
                *run.attempts[:-1],
                last.model_copy(update={"state": last.state.to(State.RESUBMITTED, work.now)}),
            )
            run = work.put(
                run.model_copy(update={"attempts": attempts, "state": run.state.to(State.RESUBMITTED, work.now)})
            )
            work.new_attempt(task, run)
            return
        policy = work.in_place_retry(task, run)
        if state == State.FAILED and policy is not None and result.retryable:
            at = next_attempt_at(policy, run, work.now)
            if at is not None:
                last = run.attempts[-1]
                attempts = (
                    *run.attempts[:-1],
                    last.model_copy(update={"state": last.state.to(State.FAILED, work.now)}),
                )
                work.put(run.model_copy(update={"attempts": attempts, "state": run.state.to(State.RETRYING, work.now)}))
                work.commands.append(WakeAt(run.id, at))
                return
        if state == State.SUCCESS and len(run.attempts) > 1 and policy is not None and policy.warning_on_retry:
            state = State.WARNING
        state = flowables.allowed(task, state)
        work.set_state(run, state, result.outputs)

    def _wake(self, work: Work, run_id: str) -> None:
        if run_id.startswith(SLA_PREFIX):
            self._sla_reached(work, run_id.removeprefix(SLA_PREFIX))
            return
        if run_id not in work.position:
            return
        run = work.run(run_id)
        task = work.tasks[run.task_id]
        if run.state.current == State.RETRYING and work.execution.state.current == State.RUNNING:
            if isinstance(task, Subflow):
                flowables.on_start(work, task, work.set_state(run, State.RUNNING))
            else:
                work.new_attempt(task, run)
        elif run.state.current == State.PAUSED:
            flowables.pause_elapsed(work, task, run)

    @staticmethod
    def _over_limit(work: Work, behavior: ConcurrencyBehavior) -> None:
        """The flow's concurrency limit is reached: wait in line (QUEUE), or end now (CANCEL, FAIL)."""
        if behavior == ConcurrencyBehavior.QUEUE:
            work.set_execution_state(State.QUEUED)
        elif behavior == ConcurrencyBehavior.CANCEL:
            work.set_execution_state(State.CANCELLED)
        else:
            work.log(None, "ERROR", "Flow is FAILED due to concurrency limit exceeded")
            work.set_execution_state(State.FAILED)

    def _sla_reached(self, work: Work, sla_id: str) -> None:
        """A MAX_DURATION SLA elapsed while the execution still runs: apply its behavior."""
        if work.execution.state.current.is_terminal:
            return
        sla = next((s for s in work.flow.sla or () if s.id == sla_id), None)
        if sla is None:
            return
        work.log(None, "WARN", f"SLA '{sla.id}' violated: the execution ran longer than {sla.duration}")
        self._add_labels(work, sla.labels or [])
        if sla.behavior in (SlaBehavior.FAIL, SlaBehavior.CANCEL):
            self.kill(work)  # stop what still runs, then end as the SLA says
            final = State.FAILED if sla.behavior == SlaBehavior.FAIL else State.CANCELLED
            work.execution = work.execution.model_copy(update={"state": work.execution.state.to(final, work.now)})

    def kill(self, work: Work) -> None:
        """Cancel running attempts; every open task run and the execution end KILLED."""
        if work.execution.state.current.is_terminal:
            return
        for run in list(work.runs):
            if not run.state.current.is_terminal:
                if run.attempts and not run.attempts[-1].state.current.is_terminal:
                    work.commands.append(CancelTask(run.id))
                work.set_state(run, State.KILLED)
        work.set_execution_state(State.KILLED)

    def _resume(self, work: Work, inputs: dict[str, Any] | None) -> None:
        if work.execution.state.current != State.PAUSED:
            return
        flowables.resume_paused(work, inputs)
        work.set_execution_state(State.RUNNING)

    # -- resolution ---------------------------------------------------------------------------------------------
    def _advance(self, work: Work) -> None:
        flow = work.flow
        if work.execution.state.current == State.RUNNING:
            state = flowables.block(work, flow.tasks, flow.errors, flow.finally_, None, None)
            if state is None:
                paused = any(run.state.current == State.PAUSED for run in work.runs)
                if paused and work.execution.state.current == State.RUNNING:
                    work.set_execution_state(State.PAUSED)
                return
            if flow.outputs and state not in FAILED_STATES:
                state = self._flow_outputs(work, state)
            state = self._assertions(work, state)
            if state == State.FAILED:
                at = work.execution_retry_at()
                if at is not None:  # this execution ends RETRIED; its next attempt is a new execution
                    state = State.RETRIED
                    work.commands.append(RetryExecution(at))
            work.set_execution_state(state)
        if work.execution.state.current.is_terminal:
            work.halted = False
            # Run after the final state is known ({{ execution.state }}); their outcome does not change it.
            if flow.after_execution:
                flowables.sequence(work, flow.after_execution, None, None)
            for listener in flow.listeners or ():
                if flowables.conditions_hold(work, listener.conditions):
                    flowables.sequence(work, listener.tasks, None, None)

    def _assertions(self, work: Work, state: State) -> State:
        """EXECUTION_ASSERTION SLAs, checked as the execution ends: a false assertion applies the SLA's behavior."""
        for sla in work.flow.sla or ():
            if sla.type != SlaType.EXECUTION_ASSERTION or sla.assert_ is None:
                continue
            try:
                holds = truthy(self.expressions.render_value(sla.assert_, work.variables()))
            except ChoreoError as exc:
                work.log(None, "ERROR", f"SLA '{sla.id}' could not be evaluated: {exc}")
                holds = False
            if holds:
                continue
            work.log(None, "WARN", f"SLA '{sla.id}' violated: its assertion is false")
            self._add_labels(work, sla.labels or [])
            if sla.behavior == SlaBehavior.FAIL:
                state = State.FAILED
            elif sla.behavior == SlaBehavior.CANCEL:
                state = State.CANCELLED
        return state

    @staticmethod
    def _add_labels(work: Work, labels: list[Label]) -> None:
        if not labels:
            return
        merged = {label.key: label.value for label in work.execution.labels}
        merged.update({label.key: label.value for label in labels})
        work.execution = work.execution.model_copy(
            update={"labels": tuple(Label(key=k, value=v) for k, v in merged.items())}
        )

    def _flow_outputs(self, work: Work, state: State) -> State:
        outputs: dict[str, Any] = {}
        variables = work.variables()
        assert work.flow.outputs is not None
        for output in work.flow.outputs:
            try:
                value = self.expressions.render_value(output.value, variables)
            except ChoreoError as exc:
                work.log(None, "ERROR", f"flow output '{output.id}' could not be rendered: {exc}")
                return State.FAILED
            outputs[output.id] = _typed_output(value)
        work.execution = work.execution.model_copy(update={"outputs": outputs})
        return state


def _typed_output(value: Any) -> Any:
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, dict | list) else value
    return value
