"""The engine over the store's queue: executions advanced by executor services, task attempts run by worker
services, in any number of processes sharing one store.

An `execution` job carries an event; the executor service takes the jobs of one execution, locks it, steps the
pure executor, and in the same transaction saves the new state, queues the commands' jobs (task attempts, timers,
child executions) and acknowledges the events. A worker service claims `task` jobs, runs them with the `Worker`,
and queues the result as an event, acknowledging the task job in the same transaction. Wake-ups come from the
store (in-process callbacks, PostgreSQL NOTIFY); delayed jobs are the timers; nothing polls on the hot path.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError

from choreo.engine.effects import retry_execution, split_items, subflow_execution, subflow_outputs, waiting_parent
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
from choreo.engine.jobs import EXECUTION_JOB, TASK_JOB, TaskJob, event_payload, payload_event
from choreo.engine.stored_flows import StoredFlows
from choreo.engine.worker import Worker
from choreo.errors import ChoreoError
from choreo.model.execution import Execution
from choreo.model.flow import Flow
from choreo.model.state import State
from choreo.model.task import WorkerGroupFallback
from choreo.storage import LocalStorage
from choreo.store import LogEntry, Store
from choreo.store.records import Job
from choreo.store.store import UnitOfWork

log = logging.getLogger(__name__)

#: Log lines wait at most this long to be written with the next result.
LOG_FLUSH_SECONDS = 0.2
#: How long a service waits before trying the store again when it is unreachable.
STORE_RETRY_SECONDS = 0.5
#: The store cannot be reached (server restarting, network down): retried, never a task's or an execution's failure.
STORE_ERRORS = (OperationalError, InterfaceError)


def _brief(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def ended(execution: Execution) -> bool:
    """Terminal, with nothing left running (a killed attempt may still be reporting)."""
    return execution.state.current.is_terminal and all(run.state.current.is_terminal for run in execution.task_run_list)


def push_event(tx: UnitOfWork, execution_id: str, event: Event, *, at: datetime | None = None) -> None:
    tx.queue.push(EXECUTION_JOB, event_payload(event), key=execution_id, available_at=at)


class _JobTakenBack(Exception):
    """A worker's job is no longer its own: the transaction reporting its result must not commit."""


def log_entry(execution: Execution, task_run_id: str | None, attempt: int, level: str, message: str) -> LogEntry:
    run = execution.find_task_run(task_run_id) if task_run_id else None
    return LogEntry(
        namespace=execution.namespace,
        flow_id=execution.flow_id,
        message=message,
        level=level,
        execution_id=execution.id,
        task_id=run.task_id if run else None,
        task_run_id=task_run_id,
        attempt_number=attempt or None,
    )


class Wakeup:
    """An asyncio event set when jobs of `kinds` are pushed: by any thread of this process, and on PostgreSQL by any
    process (a `LISTEN` connection watched from a thread), so consumers in other processes wake at once instead of
    at their next poll."""

    def __init__(self, store: Store, kinds: Iterable[str], loop: asyncio.AbstractEventLoop) -> None:
        self.kinds = frozenset(kinds)
        self.event = asyncio.Event()
        self._loop = loop
        self._unsubscribe = store.on_commit_push(self._pushed)
        self._closed = threading.Event()
        self._listener: threading.Thread | None = None
        if store.backend == "postgresql":
            self._listener = threading.Thread(
                target=self._listen, args=(store,), name=f"wakeup-{'-'.join(sorted(self.kinds))}", daemon=True
            )
            self._listener.start()

    def _pushed(self, kinds: frozenset[str]) -> None:
        if kinds & self.kinds:
            self._wake()

    def _wake(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self.event.set)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    def _listen(self, store: Store) -> None:
        waiter = None
        while not self._closed.is_set():
            try:
                if waiter is None:
                    waiter = store.listen(self.kinds)
                    self._wake()  # pushes may have been missed while not listening: claim once
                if waiter.wait(0.5):
                    self._wake()
            except Exception as exc:  # the database is unreachable: the consumers poll meanwhile
                log.debug("queue wake-up listener: %s", exc)
                if waiter is not None:
                    waiter.close()
                    waiter = None
                self._closed.wait(1.0)
        if waiter is not None:
            waiter.close()

    def set(self) -> None:
        self.event.set()

    async def wait(self, timeout: float | None) -> None:
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            pass
        self.event.clear()

    def close(self) -> None:
        self._unsubscribe()
        self._closed.set()


class ExecutorService:
    """Advances executions: takes their events from the queue, one transaction per execution and batch."""

    def __init__(
        self,
        store: Store,
        executor: Executor,
        flows: StoredFlows,
        storage: LocalStorage,
        *,
        consumer_id: str,
        batch: int = 64,
        on_update: Callable[[Execution], None] | None = None,
        on_cancel: Callable[[str], None] | None = None,
        on_ended: Callable[[Execution], None] | None = None,
        on_logs: Callable[[list[LogEntry]], None] | None = None,
        flow_triggers: Any = None,
        worker_group_alive: Callable[[str], bool] | None = None,
    ) -> None:
        self.store = store
        self.executor = executor
        self.flow_triggers = flow_triggers  # FlowTriggers: other flows started when an execution changes state
        self.flows = flows
        self.storage = storage
        self.consumer_id = consumer_id
        self.batch = batch
        self.on_update = on_update
        self.on_cancel = on_cancel
        self.on_ended = on_ended
        self.on_logs = on_logs
        # Whether a worker of a group is alive (a task's workerGroup.fallback FAIL / CANCEL acts when none is).
        self.worker_group_alive = worker_group_alive
        self._stranded: list[int] = []  # jobs still claimed by us whose step failed on a store error

    async def run(self, stop: asyncio.Event, *, poll: float = 5.0) -> None:
        """Process events until `stop` is set. `poll` bounds the wait when a wake-up is lost (another process)."""
        wakeup = Wakeup(self.store, [EXECUTION_JOB], asyncio.get_running_loop())
        try:
            while not stop.is_set():
                try:
                    if self._stranded:  # jobs claimed while the store failed: claimable again (by anyone)
                        self.store.queue.release(self._stranded, consumer_id=self.consumer_id)
                        self._stranded = []
                    jobs = self.store.queue.claim(EXECUTION_JOB, self.consumer_id, self.batch)
                    if jobs:
                        self.process(jobs)
                        await asyncio.sleep(0)  # let the API and the workers in
                        continue
                    until_next = self._until_next(poll)
                except STORE_ERRORS as exc:  # the database is unreachable (restart…): try again, never give up
                    log.warning("executor: the store is unreachable (%s); retrying", _brief(exc))
                    until_next = STORE_RETRY_SECONDS
                await wakeup.wait(until_next)
        finally:
            wakeup.close()

    def _until_next(self, poll: float) -> float:
        upcoming = self.store.queue.next_available_at(EXECUTION_JOB)
        if upcoming is None:
            return poll
        return min(max((upcoming - datetime.now(UTC)).total_seconds(), 0.0), poll)

    def process(self, jobs: list[Job]) -> None:
        by_execution: dict[str, list[Job]] = defaultdict(list)
        for job in jobs:
            by_execution[job.key or ""].append(job)
        for execution_id, group in by_execution.items():
            try:
                self._step(execution_id, group)
            except _JobTakenBack:
                log.warning("events of execution %s were handed to another executor meanwhile", execution_id)
            except STORE_ERRORS as exc:  # nothing committed; the jobs are still claimed by us: give them back later
                log.warning("execution %s could not be advanced (%s); it will be retried", execution_id, _brief(exc))
                self._stranded.extend(job.id for job in group)
            except Exception:  # one broken execution must not stop the others: its jobs come back later
                log.exception("execution %s could not be advanced", execution_id)
                self.store.queue.release(
                    [job.id for job in group],
                    consumer_id=self.consumer_id,
                    available_at=datetime.now(UTC) + timedelta(seconds=5),
                )

    def _step(self, execution_id: str, jobs: list[Job]) -> None:
        cancels: list[str] = []
        logs: list[LogEntry] = []
        with self.store.transaction() as tx:
            execution = tx.executions.get_for_update(execution_id)
            if execution is None:
                tx.queue.ack([job.id for job in jobs])
                return
            flow = self.flows.get(execution.namespace, execution.flow_id, execution.flow_revision)
            if flow is None:
                logs.append(log_entry(execution, None, 0, "ERROR", "the flow revision of this execution is gone"))
                execution = execution.with_state(State.FAILED)
                tx.executions.save(execution)
                tx.logs.append(logs)
                tx.queue.ack([job.id for job in jobs])
                return
            was_ended = ended(execution)
            events = [self._event(tx, execution, flow, job) for job in jobs]
            result = self.executor.step(execution, flow, events, datetime.now(UTC))
            new = result.execution
            tx.executions.save(new)
            if new.state.current == State.QUEUED and any(isinstance(event, Start) for event in events):
                tx.executions.enqueue(new)
            for command in result.commands:
                self._carry_out(tx, new, flow, command, logs, cancels)
            if self.flow_triggers is not None and new.state.current != execution.state.current:
                logs.extend(self.flow_triggers.on_state_change(tx, new, datetime.now(UTC)))
            if not was_ended and ended(new):
                self._ended(tx, new, flow, logs)
            if logs:
                tx.logs.append(logs)
            # Fencing: if this executor was presumed dead and its jobs went to another, nothing here commits.
            if tx.queue.ack([job.id for job in jobs], consumer_id=self.consumer_id) != len(jobs):
                raise _JobTakenBack(jobs[0].id)
        for task_run_id in cancels:
            if self.on_cancel is not None:
                self.on_cancel(task_run_id)
        if logs and self.on_logs is not None:
            self.on_logs(logs)
        if self.on_update is not None:
            self.on_update(new)
        if not was_ended and ended(new) and self.on_ended is not None:
            self.on_ended(new)

    @staticmethod
    def _event(tx: UnitOfWork, execution: Execution, flow: Flow, job: Job) -> Event:
        event = payload_event(job.payload)
        if isinstance(event, Start) and flow.concurrency is not None and not job.payload.get("force"):
            return Start(tx.executions.count_running(execution.namespace, execution.flow_id))
        return event

    def _carry_out(
        self,
        tx: UnitOfWork,
        execution: Execution,
        flow: Flow,
        command: Any,
        logs: list[LogEntry],
        cancels: list[str],
    ) -> None:
        if isinstance(command, RunTask):
            job = TaskJob.of(command, execution.namespace, execution.flow_id, execution.flow_revision, execution.id)
            worker_group = command.task.worker_group
            if worker_group is not None and worker_group.fallback != WorkerGroupFallback.WAIT:
                alive = self.worker_group_alive is None or self.worker_group_alive(worker_group.key)
                if not alive:
                    state = State.FAILED if worker_group.fallback == WorkerGroupFallback.FAIL else State.CANCELLED
                    message = f"no worker of group '{worker_group.key}' is alive: the task run is {state.value}"
                    logs.append(log_entry(execution, command.task_run_id, command.attempt, "ERROR", message))
                    push_event(tx, execution.id, TaskResult(command.task_run_id, state, retryable=False))
                    return
            group = worker_group.key if worker_group is not None else None
            tx.queue.push(TASK_JOB, job.payload(), key=execution.id, group=group)
        elif isinstance(command, WakeAt):
            push_event(tx, execution.id, Wake(command.task_run_id), at=command.at)
        elif isinstance(command, CancelTask):
            cancels.append(command.task_run_id)
        elif isinstance(command, LogLine):
            logs.append(log_entry(execution, command.task_run_id, 0, command.level, command.message))
        elif isinstance(command, StartSubflow):
            self._start_subflow(tx, execution, command, logs)
        elif isinstance(command, ResumeExecution):
            self._resume_other(tx, execution, command, logs)
        elif isinstance(command, RetryExecution):
            retry = retry_execution(execution, flow, command)
            tx.executions.save(retry)
            push_event(tx, retry.id, Start(), at=command.at)
        elif isinstance(command, SplitItems):
            result, error = split_items(self.storage, execution, command)
            if error:
                logs.append(log_entry(execution, command.task_run_id, 1, "ERROR", error))
            push_event(tx, execution.id, result)

    def _start_subflow(self, tx: UnitOfWork, parent: Execution, command: StartSubflow, logs: list[LogEntry]) -> None:
        child_flow = self.flows.get(command.namespace, command.flow_id, command.revision)
        error = None
        if child_flow is None or child_flow.disabled:
            error = f"Unable to find flow '{command.namespace}'.'{command.flow_id}'"
        else:
            try:
                child = subflow_execution(parent, command, child_flow)
            except ChoreoError as exc:
                error = str(exc)
        if error is not None:
            logs.append(log_entry(parent, command.task_run_id, 0, "ERROR", error))
            push_event(tx, parent.id, SubflowEnded(command.task_run_id, "", State.FAILED))
            return
        tx.executions.save(child)
        push_event(tx, child.id, Start())

    def _resume_other(
        self, tx: UnitOfWork, execution: Execution, command: ResumeExecution, logs: list[LogEntry]
    ) -> None:
        target = tx.executions.get(command.execution_id)
        if target is None or target.state.current != State.PAUSED:
            why = "does not exist" if target is None else f"is {target.state.current.value}, not PAUSED"
            logs.append(
                log_entry(execution, command.task_run_id, 1, "ERROR", f"execution {command.execution_id} {why}")
            )
            push_event(tx, execution.id, TaskResult(command.task_run_id, State.FAILED, retryable=False))
            return
        push_event(tx, target.id, Resume(command.inputs))
        push_event(tx, execution.id, TaskResult(command.task_run_id, State.SUCCESS))

    def _ended(self, tx: UnitOfWork, execution: Execution, flow: Flow, logs: list[LogEntry]) -> None:
        """Free the flow's concurrency slot for the oldest QUEUED execution; tell a waiting parent."""

        if flow.concurrency is not None:
            next_id = tx.executions.dequeue(execution.namespace, execution.flow_id)
            if next_id is not None:
                push_event(tx, next_id, Start())
        parent = waiting_parent(execution)
        if parent is None or execution.state.current == State.RETRIED:
            return  # a retried child's parent waits for the retry's end
        parent_execution = tx.executions.get(parent[0])
        if parent_execution is None:
            return
        parent_flow = self.flows.get(
            parent_execution.namespace, parent_execution.flow_id, parent_execution.flow_revision
        )
        run = parent_execution.find_task_run(parent[1])
        task = self.executor.tasks_of(parent_flow).get(run.task_id) if parent_flow and run else None
        outputs, error = subflow_outputs(self.executor.expressions, task, execution, flow)
        if error:
            logs.append(log_entry(parent_execution, parent[1], 0, "ERROR", error))
        state = execution.state.current if error is None else State.FAILED
        push_event(tx, parent[0], SubflowEnded(parent[1], execution.id, state, outputs))


class WorkerService:
    """Runs task attempts from the queue, up to `threads` at once; results go back as events."""

    def __init__(
        self,
        store: Store,
        worker: Worker,
        flows: StoredFlows,
        tasks_of: Callable[[Flow], dict[str, Any]],
        *,
        consumer_id: str,
        threads: int = 8,
        group: str | None = None,
        on_logs: Callable[[list[LogEntry]], None] | None = None,
    ) -> None:
        self.store = store
        self.worker = worker
        self.flows = flows
        self.tasks_of = tasks_of
        self.consumer_id = consumer_id
        self.threads = threads
        self.group = group
        self.on_logs = on_logs
        self._running: dict[str, asyncio.Task[None]] = {}  # task run id → its attempt
        self._where: dict[str, Execution] = {}  # task run id → the execution it belongs to (for log lines)
        self._pending: list[LogEntry] = []
        self._oldest: float | None = None
        self._wakeup: Wakeup | None = None
        self._requeue = False  # set while shutting down: stopped attempts are re-queued, not reported KILLED
        self._abandoned: set[str] = set()  # task runs stopped because the store is unreachable: nothing to report
        self._jobs: dict[str, int] = {}  # task run id → the queue job of its running attempt
        worker.on_log = self._on_log  # this service is the worker's log sink: it knows each attempt's execution

    def cancel(self, task_run_id: str) -> None:
        """Kill a running attempt (the executor asked: kill, timeout of a parent…)."""
        running = self._running.get(task_run_id)
        if running is not None:
            running.cancel()

    async def run(self, stop: asyncio.Event, *, poll: float = 5.0) -> None:
        wakeup = Wakeup(self.store, [TASK_JOB], asyncio.get_running_loop())
        self._wakeup = wakeup
        try:
            while not stop.is_set():
                free = self.threads - len(self._running)
                try:
                    jobs = self.store.queue.claim(TASK_JOB, self.consumer_id, free, group=self.group) if free else []
                except STORE_ERRORS as exc:  # the database is unreachable (restart…): try again, never give up
                    log.warning("worker: the store is unreachable (%s); retrying", _brief(exc))
                    await wakeup.wait(STORE_RETRY_SECONDS)
                    continue
                for job in jobs:
                    payload = TaskJob.from_payload(job.payload)
                    self._jobs[payload.task_run_id] = job.id
                    self._running[payload.task_run_id] = asyncio.create_task(self._attempt(job, payload))
                if jobs:
                    await asyncio.sleep(0)
                    continue
                await wakeup.wait(LOG_FLUSH_SECONDS if self._pending else poll)
                try:
                    self._flush_if_old()
                except STORE_ERRORS as exc:  # the lines stay pending: they go with the next result or flush
                    log.warning("worker: could not write log lines (%s); retrying", _brief(exc))
        finally:
            wakeup.close()

    async def drain(self, grace: float) -> None:
        """Let running attempts finish for `grace` seconds; the others are stopped and their jobs given back to the
        queue, so another worker (or this one after a restart) runs them again."""
        if self._running:
            await asyncio.wait(list(self._running.values()), timeout=grace)
        self._requeue = True
        left = list(self._running.values())
        for task in left:
            task.cancel()
        if left:
            await asyncio.wait(left, timeout=5)
        self._flush(fenced=False)  # the lines of attempts given back: what they did before being stopped

    def abandon_all(self) -> list[int]:
        """The store is unreachable for longer than the liveness timeout: the attempts are being resubmitted
        elsewhere, so stop them all without reporting anything. The ids of their jobs."""
        return self._abandon(list(self._running))

    def abandon_taken_back(self) -> list[int]:
        """This worker was declared dead while silent (stopped, frozen): stop, without reporting anything, the
        attempts whose jobs it no longer holds (they were resubmitted). The ids of their jobs."""
        held = {job.id for job in self.store.queue.claimed_by(self.consumer_id, TASK_JOB)}
        return self._abandon([run_id for run_id in self._running if self._jobs.get(run_id) not in held])

    def _abandon(self, task_run_ids: list[str]) -> list[int]:
        job_ids = [self._jobs[run_id] for run_id in task_run_ids if run_id in self._jobs]
        for run_id in task_run_ids:
            self._abandoned.add(run_id)
            self._running[run_id].cancel()
        return job_ids

    async def _attempt(self, job: Job, payload: TaskJob) -> None:
        try:
            result = await self._run(payload)
        except asyncio.CancelledError:
            if payload.task_run_id in self._abandoned:
                self._abandoned.discard(payload.task_run_id)
                self._running.pop(payload.task_run_id, None)
                self._jobs.pop(payload.task_run_id, None)
                self._pending = [entry for entry in self._pending if entry.task_run_id != payload.task_run_id]
                return
            if self._requeue:
                self._running.pop(payload.task_run_id, None)
                self.store.queue.release([job.id], consumer_id=self.consumer_id)
                return
            result = TaskResult(payload.task_run_id, State.KILLED, retryable=False)
        except Exception as exc:  # the worker itself failed: report it rather than lose the attempt
            log.exception("task run %s could not run", payload.task_run_id)
            result = TaskResult(payload.task_run_id, State.FAILED)
            self._on_log(payload.execution_id, payload.task_run_id, payload.attempt, "ERROR", f"{exc}")
        finally:
            self._running.pop(payload.task_run_id, None)
            self._jobs.pop(payload.task_run_id, None)
        while True:
            pending, self._pending, self._oldest = self._pending, [], None
            try:
                with self.store.transaction() as tx:
                    if pending:
                        tx.logs.append(pending)
                    # Fencing: the result counts only while this worker still holds the job. A job taken back (this
                    # worker was presumed dead and the attempt resubmitted) rolls the whole commit back.
                    if tx.queue.ack([job.id], consumer_id=self.consumer_id) != 1:
                        raise _JobTakenBack(job.id)
                    push_event(tx, payload.execution_id, result)
            except _JobTakenBack:
                log.warning(
                    "attempt %d of task run %s was resubmitted meanwhile: its result is dropped",
                    payload.attempt,
                    payload.task_run_id,
                )
            except STORE_ERRORS as exc:  # nothing committed: keep the result until the store is back (fencing
                # still applies: if this worker was declared dead meanwhile, the retry is dropped as above)
                log.warning("result of task run %s not saved (%s); retrying", payload.task_run_id, _brief(exc))
                self._pending = pending + self._pending
                await asyncio.sleep(STORE_RETRY_SECONDS)
                continue
            break
        self._where.pop(payload.task_run_id, None)
        if self._wakeup is not None:
            self._wakeup.set()  # a slot is free

    async def _run(self, payload: TaskJob) -> TaskResult:
        while True:  # an unreachable store is not the task's failure: wait for it (liveness bounds the wait)
            try:
                execution = self.store.executions.get(payload.execution_id)
                flow = self.flows.get(payload.namespace, payload.flow_id, payload.revision)
                break
            except STORE_ERRORS as exc:
                log.warning("task run %s cannot be loaded (%s); retrying", payload.task_run_id, _brief(exc))
                await asyncio.sleep(STORE_RETRY_SECONDS)
        if execution is None or flow is None:
            return TaskResult(payload.task_run_id, State.FAILED, retryable=False)
        self._where[payload.task_run_id] = execution
        tasks = self.tasks_of(flow)
        task = tasks.get(payload.task_id)
        if task is None:
            return TaskResult(payload.task_run_id, State.FAILED, retryable=False)
        shared_task = tasks.get(payload.shared_dir_task_id) if payload.shared_dir_task_id else None
        command = RunTask(payload.task_run_id, task, payload.attempt, payload.shared_dir, shared_task)
        return await self.worker.run(command, flow, execution)

    def _on_log(self, execution_id: str, task_run_id: str | None, attempt: int, level: str, message: str) -> None:
        execution = self._where.get(task_run_id or "")
        if execution is None:
            return
        entry = log_entry(execution, task_run_id, attempt, level, message)
        self._pending.append(entry)
        if self.on_logs is not None:
            self.on_logs([entry])
        if self._oldest is None:
            self._oldest = time.monotonic()
        self._flush_if_old()

    def _flush_if_old(self) -> None:
        if self._oldest is not None and time.monotonic() - self._oldest > LOG_FLUSH_SECONDS:
            self._flush()

    def _flush(self, *, fenced: bool = True) -> None:
        if not self._pending:
            return
        pending, self._pending, self._oldest = self._pending, [], None
        if not fenced:
            self.store.logs.append(pending)
            return
        with self.store.transaction() as tx:
            # Fencing, as for results: the lines of an attempt whose job was taken back (this worker was presumed
            # dead and the attempt resubmitted) are not written.
            held = {job.id for job in tx.queue.claimed_by(self.consumer_id, TASK_JOB)}
            lines = [entry for entry in pending if self._jobs.get(entry.task_run_id or "") in held]
            if lines:
                tx.logs.append(lines)
