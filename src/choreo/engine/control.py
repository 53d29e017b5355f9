"""What users do to executions — create, kill, pause, resume, restart, replay, change a state, set labels,
delete — as transactions on the store: each checks the execution's state, writes the change and queues the event
for the executor in one commit. The API and the CLI call these; only executors step executions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from choreo.engine.effects import new_execution
from choreo.engine.events import Kill, Resume, Start
from choreo.engine.jobs import EXECUTION_JOB
from choreo.engine.operations import OperationRefused, change_task_run_state, replay, restart
from choreo.engine.services import push_event
from choreo.engine.stored_flows import StoredFlows
from choreo.errors import ChoreoError, InputInvalid
from choreo.model.execution import Execution, ExecutionTrigger
from choreo.model.flow import Flow
from choreo.model.input_values import read_inputs
from choreo.model.inputs import input_declarations
from choreo.model.labels import Label
from choreo.model.state import State
from choreo.model.walk import iter_plugins
from choreo.plugins.core.flow.pause import Pause
from choreo.storage import LocalStorage, execution_uri
from choreo.store import Store


class NotFound(ChoreoError):
    """No such execution (or flow)."""


class FlowDisabled(ChoreoError):
    """The flow is disabled: it cannot be run."""


#: States an execution can be set to by hand (Kestra's "change status").
SETTABLE_EXECUTION_STATES = frozenset({State.SUCCESS, State.WARNING, State.FAILED, State.KILLED, State.CANCELLED})


class ExecutionControl:
    def __init__(self, store: Store, flows: StoredFlows, storage: LocalStorage) -> None:
        self.store = store
        self.flows = flows
        self.storage = storage

    # -- creating ---------------------------------------------------------------------------------------------------
    def create(
        self,
        flow: Flow,
        inputs: Mapping[str, Any] | None = None,
        *,
        labels: Mapping[str, str] | None = None,
        trigger: ExecutionTrigger | None = None,
        schedule_date: datetime | None = None,
        execution_id: str | None = None,
        check_inputs: bool = True,
    ) -> Execution:
        """Store a CREATED execution and queue its start (at `schedule_date` when given). InputInvalid names each
        wrong input; nothing is stored then."""
        execution = self.prepare(
            flow, inputs, labels=labels, trigger=trigger, execution_id=execution_id, check_inputs=check_inputs
        )
        if schedule_date is not None:
            execution = execution.model_copy(update={"schedule_date": schedule_date})
        with self.store.transaction() as tx:
            self.enqueue(tx, execution, at=schedule_date)
        return execution

    @staticmethod
    def prepare(
        flow: Flow,
        inputs: Mapping[str, Any] | None = None,
        *,
        labels: Mapping[str, str] | None = None,
        trigger: ExecutionTrigger | None = None,
        execution_id: str | None = None,
        check_inputs: bool = True,
    ) -> Execution:
        """A new execution of `flow`, not stored yet (FlowDisabled, InputInvalid)."""
        if flow.disabled:
            raise FlowDisabled(f"flow {flow.namespace}.{flow.id} is disabled")
        return new_execution(
            flow, inputs, labels=labels, trigger=trigger, execution_id=execution_id, check_inputs=check_inputs
        )

    @staticmethod
    def enqueue(tx: Any, execution: Execution, *, at: datetime | None = None) -> None:
        """Store a new execution and queue its start, in the caller's transaction (a trigger commits its state
        with the executions it created)."""
        tx.executions.save(execution)
        push_event(tx, execution.id, Start(), at=at)

    # -- commands ---------------------------------------------------------------------------------------------------
    def get(self, execution_id: str) -> Execution:
        execution = self.store.executions.get(execution_id)
        if execution is None or execution.deleted:
            raise NotFound(f"execution '{execution_id}' not found")
        return execution

    def kill(self, execution_id: str) -> Execution:
        execution = self.get(execution_id)
        if execution.state.current.is_terminal:
            raise OperationRefused(f"execution {execution_id} is already {execution.state.current.value}")
        with self.store.transaction() as tx:
            if execution.state.current == State.QUEUED:
                tx.executions.unqueue(execution_id)
            push_event(tx, execution_id, Kill())
        return execution

    def resume(self, execution_id: str, inputs: Mapping[str, Any] | None = None) -> Execution:
        """Resume a PAUSED execution; `inputs` are checked against the paused task's `onResume` declarations."""
        execution = self.get(execution_id)
        if execution.state.current != State.PAUSED:
            raise OperationRefused(f"execution {execution_id} is {execution.state.current.value}, not PAUSED")
        flow = self._flow_of(execution)
        raw: list[Any] = []
        for run in execution.task_run_list:
            task = _task(flow, run.task_id)
            if run.state.current == State.PAUSED and isinstance(task, Pause):
                raw.extend(task.on_resume or ())
        declared = input_declarations(raw) if raw else []
        typed = read_inputs(declared, dict(inputs or {})) if declared else dict(inputs or {})
        with self.store.transaction() as tx:
            push_event(tx, execution_id, Resume(typed or None))
        return execution

    def restart(self, execution_id: str) -> Execution:
        """Failed task runs get a new attempt in the same execution."""
        with self.store.transaction() as tx:
            execution = self._locked(tx, execution_id)
            restarted = restart(execution, self._flow_of(execution))
            tx.executions.save(restarted)
            push_event(tx, execution_id, Start())
        return restarted

    def replay(
        self, execution_id: str, task_run_id: str | None = None, inputs: Mapping[str, Any] | None = None
    ) -> Execution:
        """A new execution of the same flow revision, from `task_run_id` when given, optionally with new inputs."""
        execution = self.get(execution_id)
        new = replay(execution, task_run_id)
        if inputs:
            flow = self._flow_of(execution)
            new = new.model_copy(update={"inputs": {**new.inputs, **read_inputs(flow.inputs or [], dict(inputs))}})
        with self.store.transaction() as tx:
            tx.executions.save(new)
            push_event(tx, new.id, Start())
        return new

    def change_task_run_state(self, execution_id: str, task_run_id: str, state: State) -> Execution:
        with self.store.transaction() as tx:
            execution = self._locked(tx, execution_id)
            changed = change_task_run_state(execution, self._flow_of(execution), task_run_id, state)
            tx.executions.save(changed)
            push_event(tx, execution_id, Start())
        return changed

    def change_state(self, execution_id: str, state: State) -> Execution:
        """Set an ended execution's state by hand (Kestra's change status)."""
        if state not in SETTABLE_EXECUTION_STATES:
            allowed = ", ".join(sorted(s.value for s in SETTABLE_EXECUTION_STATES))
            raise OperationRefused(f"an execution cannot be set to {state.value} (allowed: {allowed})")
        with self.store.transaction() as tx:
            execution = self._locked(tx, execution_id)
            if not execution.state.current.is_terminal:
                raise OperationRefused(f"execution {execution_id} is {execution.state.current.value}; it must be ended")
            if execution.state.current == state:
                raise OperationRefused(f"execution {execution_id} is already {state.value}")
            changed = execution.with_state(state, datetime.now(UTC))
            tx.executions.save(changed)
        return changed

    def pause(self, execution_id: str) -> Execution:
        """Pause a RUNNING execution: what runs finishes, nothing new starts until it is resumed."""
        with self.store.transaction() as tx:
            execution = self._locked(tx, execution_id)
            if execution.state.current != State.RUNNING:
                raise OperationRefused(f"execution {execution_id} is {execution.state.current.value}, not RUNNING")
            paused = execution.with_state(State.PAUSED, datetime.now(UTC))
            tx.executions.save(paused)
        return paused

    def unqueue(self, execution_id: str, state: State = State.RUNNING) -> Execution:
        """Take a QUEUED execution out of its flow's line: RUNNING starts it now, whatever the concurrency limit;
        CANCELLED or FAILED ends it."""
        if state not in (State.RUNNING, State.CANCELLED, State.FAILED):
            raise OperationRefused(f"a queued execution can be set to RUNNING, CANCELLED or FAILED, not {state.value}")
        with self.store.transaction() as tx:
            execution = self._locked(tx, execution_id)
            if execution.state.current != State.QUEUED:
                raise OperationRefused(f"execution {execution_id} is {execution.state.current.value}, not QUEUED")
            tx.executions.unqueue(execution_id)
            if state == State.RUNNING:
                tx.queue.push(EXECUTION_JOB, {"event": "start", "force": True}, key=execution_id)
                return execution
            ended = execution.with_state(state, datetime.now(UTC))
            tx.executions.save(ended)
        return ended

    def set_labels(self, execution_id: str, labels: Mapping[str, str]) -> Execution:
        """Replace the execution's labels (system labels it has are kept)."""
        with self.store.transaction() as tx:
            execution = self._locked(tx, execution_id)
            kept = [label for label in execution.labels if label.key.startswith("system.")]
            new_labels = (*kept, *(Label(key=k, value=v) for k, v in labels.items() if not k.startswith("system.")))
            changed = execution.model_copy(update={"labels": new_labels})
            tx.executions.save(changed)
        return changed

    def delete(
        self, execution_id: str, *, delete_logs: bool = True, delete_metrics: bool = True, delete_storage: bool = True
    ) -> None:
        execution = self.get(execution_id)
        if not execution.state.current.is_terminal:
            raise OperationRefused(f"execution {execution_id} is {execution.state.current.value}; kill it first")
        with self.store.transaction() as tx:
            tx.executions.delete(execution_id)
            if delete_logs:
                tx.logs.delete_for_execution(execution_id)
            if delete_metrics:
                tx.metrics.delete_for_execution(execution_id)
        if delete_storage:
            self.storage.delete_prefix(execution_uri(execution.namespace, execution.flow_id, execution.id))

    # -- helpers ----------------------------------------------------------------------------------------------------
    def _locked(self, tx: Any, execution_id: str) -> Execution:
        execution = tx.executions.get_for_update(execution_id)
        if execution is None or execution.deleted:
            raise NotFound(f"execution '{execution_id}' not found")
        return execution

    def _flow_of(self, execution: Execution) -> Flow:
        flow = self.flows.get(execution.namespace, execution.flow_id, execution.flow_revision)
        if flow is None:
            raise NotFound(
                f"flow {execution.namespace}.{execution.flow_id} revision {execution.flow_revision} not found"
            )
        return flow


def _task(flow: Flow, task_id: str) -> Any:
    return next((plugin for _, plugin in iter_plugins(flow) if getattr(plugin, "id", None) == task_id), None)


__all__ = ["ExecutionControl", "FlowDisabled", "InputInvalid", "NotFound", "OperationRefused"]
