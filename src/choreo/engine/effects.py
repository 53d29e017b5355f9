"""What carrying out the executor's commands produces, shared by every runner (in-process, or over the store's
queue): new executions (a run, a subflow, a CREATE_NEW_EXECUTION retry), ForEachItem's batches, a subflow's
outputs as its parent sees them. No runner state here: callers store and schedule the results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from choreo.engine.events import RetryExecution, SplitItems, StartSubflow, TaskResult
from choreo.engine.variables import build_variables
from choreo.errors import ChoreoError
from choreo.expr import ExpressionEngine
from choreo.model.execution import Execution, ExecutionMetadata, ExecutionTrigger, new_id
from choreo.model.flow import Flow
from choreo.model.input_values import read_inputs
from choreo.model.labels import Label
from choreo.model.state import State
from choreo.model.task import Task
from choreo.storage import LocalStorage, task_file_uri

CORRELATION_ID = "system.correlationId"
SUBFLOW_TRIGGER = "io.kestra.plugin.core.flow.Subflow"


def new_execution(
    flow: Flow,
    inputs: Mapping[str, Any] | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    parent: Execution | None = None,
    trigger: ExecutionTrigger | None = None,
    execution_id: str | None = None,
    check_inputs: bool = True,
) -> Execution:
    """A CREATED execution of `flow` with checked inputs (InputInvalid names every wrong input).

    `execution_id` is given when files were stored for the inputs before (their URIs contain the id).
    """
    typed = read_inputs(flow.inputs or [], inputs or {}) if check_inputs else dict(inputs or {})
    execution_id = execution_id or new_id()
    merged = {label.key: label.value for label in flow.labels or ()}
    merged.update(labels or {})
    # Kestra's correlation id: the id of the execution that started the chain, inherited by subflows.
    inherited = {label.key: label.value for label in parent.labels} if parent else {}
    merged[CORRELATION_ID] = inherited.get(CORRELATION_ID, parent.id if parent else execution_id)
    return Execution(
        id=execution_id,
        namespace=flow.namespace,
        flow_id=flow.id,
        flow_revision=flow.revision or 1,
        inputs=typed,
        labels=tuple(Label(key=k, value=v) for k, v in merged.items()),
        parent_id=parent.id if parent else None,
        trigger=trigger,
    )


def subflow_execution(parent: Execution, command: StartSubflow, child_flow: Flow) -> Execution:
    """The child execution a Subflow (or ForEachItem batch) starts. Its trigger names the parent's execution and
    task run, so that its end can be reported to the parent. InputInvalid when the inputs do not fit."""
    return new_execution(
        child_flow,
        command.inputs,
        labels=command.labels,
        parent=parent,
        trigger=ExecutionTrigger(
            id="subflow",
            type=SUBFLOW_TRIGGER,
            variables={
                "executionId": parent.id,
                "namespace": parent.namespace,
                "flowId": parent.flow_id,
                "flowRevision": parent.flow_revision,
                "taskRunId": command.task_run_id,
            },
        ),
    )


def waiting_parent(child: Execution) -> tuple[str, str] | None:
    """(parent execution, parent task run) to tell when `child` ends, for a subflow child."""
    trigger = child.trigger
    if trigger is None or trigger.type != SUBFLOW_TRIGGER:
        return None
    parent_id, run_id = trigger.variables.get("executionId"), trigger.variables.get("taskRunId")
    return (str(parent_id), str(run_id)) if parent_id and run_id else None


def retry_execution(execution: Execution, flow: Flow, command: RetryExecution) -> Execution:
    """The next attempt of an execution that ended RETRIED: same inputs, labels (correlation id included), trigger
    and parent, `metadata.attemptNumber` one more. The caller starts it at `command.at`."""
    metadata = execution.metadata or ExecutionMetadata(original_created_date=execution.state.start_date)
    return new_execution(flow, execution.inputs, check_inputs=False).model_copy(
        update={
            "labels": execution.labels,
            "metadata": metadata.model_copy(update={"attempt_number": metadata.attempt_number + 1}),
            "trigger": execution.trigger,
            "parent_id": execution.parent_id,
        }
    )


def split_items(storage: LocalStorage, execution: Execution, command: SplitItems) -> tuple[TaskResult, str | None]:
    """Cut a stored file into batches of lines (rows) or into `partitions`, each stored under the split task run.
    Returns the result for the split task run, and an error message to log when it failed."""
    run = execution.find_task_run(command.task_run_id)
    assert run is not None
    try:
        text = storage.read_bytes(command.uri).decode("utf-8")
    except (ChoreoError, UnicodeDecodeError) as exc:
        return TaskResult(run.id, State.FAILED, retryable=False), f"cannot read the items {command.uri}: {exc}"
    separator = command.separator or "\n"
    items = [item + separator for item in text.split(separator) if item]
    size = max(-(-len(items) // command.partitions), 1) if command.partitions else command.rows or 1
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    uris = [
        storage.put(
            task_file_uri(run.namespace, run.flow_id, run.execution_id, run.task_id, run.id, f"{index}.txt"),
            "".join(batch).encode("utf-8"),
        )
        for index, batch in enumerate(batches)
    ]
    return TaskResult(run.id, State.SUCCESS, {"splits": uris}), None


def subflow_outputs(
    expressions: ExpressionEngine, parent_task: Task | None, child: Execution, child_flow: Flow
) -> tuple[dict[str, Any] | None, str | None]:
    """The child's flow outputs, or the Subflow task's deprecated `outputs` map rendered in the child's context.
    The second value is an error message when that map cannot be rendered (the Subflow task then fails)."""
    mapping = getattr(parent_task, "outputs", None)
    if not mapping:
        return child.outputs, None
    try:
        return expressions.render_value(mapping, build_variables(child_flow, child)), None
    except ChoreoError as exc:
        return child.outputs, f"subflow outputs could not be rendered: {exc}"
