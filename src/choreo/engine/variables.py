"""The variables templates see for a task run: flow, execution, task, taskrun, parents, inputs, outputs, tasks,
vars, trigger, labels, envs (Kestra's RunVariables)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from choreo.model.execution import Execution, TaskRun
from choreo.model.flow import Flow
from choreo.model.task import Task

ENV_PREFIXES = ("ENV_", "KESTRA_")


def environment_variables(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """`{{ envs.x }}`: process variables named ENV_X (or Kestra 0.x's KESTRA_X), prefix stripped, lower-cased."""
    env = os.environ if environ is None else environ
    out = {}
    for name, value in env.items():
        for prefix in ENV_PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix):
                out[name[len(prefix) :].lower()] = value
    return out


def value_path(run: TaskRun, runs_by_id: Mapping[str, TaskRun]) -> list[str]:
    """The loop values that key this run's outputs, outermost first (`outputs.t[v1][v2]`)."""
    path: list[str] = []
    current: TaskRun | None = run
    while current is not None:
        parent = runs_by_id.get(current.parent_task_run_id) if current.parent_task_run_id else None
        if current.value is not None and (parent is None or parent.value != current.value):
            path.append(current.value)
        current = parent
    path.reverse()
    return path


def _nest(target: dict[str, Any], key: str, path: list[str], leaf: Any) -> None:
    if not path:
        target[key] = leaf
        return
    node = target.setdefault(key, {})
    if not isinstance(node, dict):
        node = target[key] = {}
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = leaf


def outputs_and_states(execution: Execution) -> tuple[dict[str, Any], dict[str, Any]]:
    """`outputs` and `tasks` (states) of every task run, keyed by loop values inside loops."""
    runs_by_id = {run.id: run for run in execution.task_run_list}
    outputs: dict[str, Any] = {}
    states: dict[str, Any] = {}
    for run in execution.task_run_list:
        path = value_path(run, runs_by_id)
        if run.outputs is not None:
            _nest(outputs, run.task_id, path, run.outputs)
        _nest(states, run.task_id, path, {"state": run.state.current.value})
    return outputs, states


def taskrun_variables(run: TaskRun) -> dict[str, Any]:
    start = run.state.start_date
    return {
        "id": run.id,
        "startDate": start.isoformat().replace("+00:00", "Z") if start else None,
        "attemptsCount": max(len(run.attempts) - 1, 0),
        "parentId": run.parent_task_run_id,
        "value": run.value,
        "iteration": run.iteration,
    }


def build_variables(
    flow: Flow,
    execution: Execution,
    *,
    task: Task | None = None,
    run: TaskRun | None = None,
    outputs: dict[str, Any] | None = None,
    states: dict[str, Any] | None = None,
    envs: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Everything a template may read while `run` of `task` executes (or at flow level when both are None)."""
    if outputs is None or states is None:
        outputs, states = outputs_and_states(execution)
    start = execution.state.start_date
    labels: dict[str, Any] = {}
    for label in execution.labels:  # `system.correlationId` reads as labels.system.correlationId
        head, _, rest = label.key.partition(".")
        _nest(labels, head, rest.split(".") if rest else [], label.value)
    variables: dict[str, Any] = {
        "flow": {"id": flow.id, "namespace": flow.namespace, "revision": execution.flow_revision, "tenantId": None},
        "execution": {
            "id": execution.id,
            "startDate": start.isoformat().replace("+00:00", "Z") if start else None,
            "originalId": execution.original_id or execution.id,
            "state": execution.state.current.value,
        },
        "inputs": execution.inputs,
        "outputs": outputs,
        "tasks": states,
        "vars": {**(flow.variables or {}), **execution.variables} if execution.variables else flow.variables or {},
        "labels": labels,
        "envs": dict(envs) if envs is not None else environment_variables(),
        "globals": {},
    }
    if execution.trigger is not None:
        variables["trigger"] = execution.trigger.variables
    if task is not None:
        variables["task"] = {"id": task.id, "type": task.type}
    if run is not None:
        variables["taskrun"] = taskrun_variables(run)
        runs_by_id = {r.id: r for r in execution.task_run_list}
        parents = []
        parent_id = run.parent_task_run_id
        while parent_id and parent_id in runs_by_id:
            parent = runs_by_id[parent_id]
            # As Kestra: a parent shows its loop value (and its outputs, when it has some), not its whole task run.
            entry: dict[str, Any] = {"taskrun": {"value": parent.value} if parent.value is not None else {}}
            if parent.outputs:
                entry["outputs"] = parent.outputs
            parents.append(entry)
            parent_id = parent.parent_task_run_id
        if parents:
            variables["parent"] = parents[0]
            variables["parents"] = parents
    return variables
