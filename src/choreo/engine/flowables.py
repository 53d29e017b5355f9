"""How the executor walks the task tree: sequences, parallel branches, loops, Dag, errors and finally branches,
and the flowable tasks (If, Switch, ForEach, Pause, Subflow…). Pure: reads and writes only the step's `Work`.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from choreo.engine.events import ResumeExecution, SplitItems, StartSubflow, SubflowEnded, WakeAt
from choreo.engine.retry import next_attempt_at
from choreo.errors import ChoreoError
from choreo.expr.truth import truthy
from choreo.model.durations import parse_duration
from choreo.model.execution import StateRecord, TaskRun, TaskRunAttempt
from choreo.model.state import FAILED_STATES, State
from choreo.model.task import Task
from choreo.plugins.core.execution.exit import Exit
from choreo.plugins.core.execution.labels import Labels as LabelsTask
from choreo.plugins.core.execution.resume import Resume as ResumeTask
from choreo.plugins.core.execution.set_variables import SetVariables
from choreo.plugins.core.execution.unset_variables import UnsetVariables
from choreo.plugins.core.flow.allow_failure import AllowFailure
from choreo.plugins.core.flow.dag import Dag
from choreo.plugins.core.flow.each_parallel import EachParallel
from choreo.plugins.core.flow.each_sequential import EachSequential
from choreo.plugins.core.flow.for_each import ForEach
from choreo.plugins.core.flow.for_each_item import ForEachItem
from choreo.plugins.core.flow.if_ import If
from choreo.plugins.core.flow.loop_until import LoopUntil
from choreo.plugins.core.flow.parallel import Parallel
from choreo.plugins.core.flow.pause import Pause
from choreo.plugins.core.flow.sequential import Sequential
from choreo.plugins.core.flow.subflow import Subflow
from choreo.plugins.core.flow.switch import Switch
from choreo.plugins.core.flow.template import Template
from choreo.plugins.core.flow.working_directory import WorkingDirectory

if TYPE_CHECKING:
    from choreo.engine.executor import Work
    from choreo.model.execution import TaskRun


def worst(states: list[State]) -> State:
    if State.KILLED in states:
        return State.KILLED
    if State.FAILED in states:
        return State.FAILED
    if State.WARNING in states:
        return State.WARNING
    return State.SUCCESS


def allowed(task: Task, state: State) -> State:
    """allowFailure turns a failure into WARNING; allowWarning turns WARNING into SUCCESS."""
    if state == State.FAILED and (task.allow_failure or isinstance(task, AllowFailure)):
        state = State.WARNING
    if state == State.WARNING and task.allow_warning:
        state = State.SUCCESS
    return state


def is_executor_side(task: Task) -> bool:
    """Runnable in Kestra's model but applied by the executor itself: it changes the execution."""
    return isinstance(task, LabelsTask | Exit | SetVariables | UnsetVariables | ResumeTask)


def loop_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


# -- sequences and blocks -----------------------------------------------------------------------------------------
def sequence(
    work: Work,
    tasks: list[Task] | None,
    parent: TaskRun | None,
    value: str | None,
    *,
    parallel: bool = False,
    concurrency: int = 0,
    iteration: int | None = None,
) -> State | None:
    """Advance a list of tasks; their merged final state, or None while some are not done."""
    parent_id = parent.id if parent else None
    key_value = value if value is not None else (parent.value if parent else None)
    key_iteration = iteration if iteration is not None else (parent.iteration if parent else None)
    states: list[State] = []
    running = 0
    failed = False
    for task in tasks or ():
        if task.disabled:
            continue
        run = work.find(parent_id, task.id, key_value, key_iteration)
        if run is None:
            if work.halted:
                return None
            if failed or (parallel and concurrency and running >= concurrency):
                if parallel:
                    continue
                break
            run = work.create(task, parent, value, iteration)
            created = True
        else:
            created = False
        if run.state.current == State.RESTARTED:
            run = reopen(work, task, run)
        if run.state.current == State.RUNNING and task.task_kind != "runnable":
            resolved = resolve(work, task, run)
            if resolved is not None:
                run = work.set_state(run, allowed(task, resolved))
        current = run.state.current
        if not current.is_terminal:
            running += 1
            if not parallel:
                return None
            continue
        states.append(current)
        if current in FAILED_STATES:
            # Parallel branches start together (Kestra creates them in one step): one that fails in the pass that
            # started it does not keep its siblings from starting; one that had failed before does.
            failed = failed or not (parallel and created)
            if not parallel:
                break
    if running:
        return None
    return worst(states)


def reopen(work: Work, task: Task, run: TaskRun) -> TaskRun:
    """A task run left RESTARTED by a restart: a runnable one gets a new attempt, a Subflow a new child execution,
    a flowable one is opened again so that its failed children are restarted in turn."""
    if task.task_kind == "runnable" and not is_executor_side(task):
        return work.new_attempt(task, run)
    run = work.set_state(run, State.RUNNING)
    return on_start(work, task, run) if isinstance(task, Subflow) else run


def block(
    work: Work,
    tasks: list[Task] | None,
    errors: list[Task] | None,
    finally_: list[Task] | None,
    parent: TaskRun | None,
    value: str | None,
    *,
    parallel: bool = False,
    concurrency: int = 0,
) -> State | None:
    """tasks, then `errors` when they failed, then `finally` whatever happened."""
    state = sequence(work, tasks, parent, value, parallel=parallel, concurrency=concurrency)
    if state is None:
        return None
    return closing_branches(work, state, errors, finally_, parent, value)


def closing_branches(
    work: Work,
    state: State,
    errors: list[Task] | None,
    finally_: list[Task] | None,
    parent: TaskRun | None,
    value: str | None = None,
) -> State | None:
    """After a group of children ended in `state`: `errors` when it failed (the group stays failed), then `finally`
    whatever happened. None while these branches still run."""
    if state in FAILED_STATES and errors and sequence(work, errors, parent, value) is None:
        return None
    if finally_:
        after = sequence(work, finally_, parent, value)
        if after is None:
            return None
        state = worst([state, after])
    return state


# -- flowable tasks -----------------------------------------------------------------------------------------------
def _rendered(work: Work, task: Task, run: TaskRun, name: str, value: Any) -> Any:
    """Render a property once per step (conditions and loop values are re-read each step, as Kestra does)."""
    key = (run.id, name)
    if key not in work.rendered:
        work.rendered[key] = work.render(value, task, run)
    return work.rendered[key]


def _int(work: Work, task: Task, run: TaskRun, name: str, value: Any) -> int:
    return int(_rendered(work, task, run, name, value) or 0)


def _values(work: Work, task: Task, run: TaskRun, raw: Any) -> list[Any]:
    values = _rendered(work, task, run, "values", raw)
    if isinstance(values, str):
        values = json.loads(values) if values.strip() else []
    if values is None:
        return []
    if not isinstance(values, list):
        raise ChoreoError(f"the values of task '{task.id}' must be a list or a JSON array, got {type(values).__name__}")
    if any(value is None for value in values):
        raise ChoreoError(f"the values of task '{task.id}' contain null")
    return values


def resolve(work: Work, task: Task, run: TaskRun) -> State | None:
    """The final state of a running flowable task run, or None while its children are not done."""
    try:
        return _resolve(work, task, run)
    except (ChoreoError, ValueError, TypeError) as exc:
        work.log(run, "ERROR", f"task '{task.id}' failed: {exc}")
        return State.FAILED


def _resolve(work: Work, task: Task, run: TaskRun) -> State | None:
    errors = getattr(task, "errors", None)
    finally_ = getattr(task, "finally_", None)
    if isinstance(task, Parallel):
        concurrency = _int(work, task, run, "concurrent", task.concurrent)
        return block(work, task.tasks, errors, finally_, run, None, parallel=True, concurrency=concurrency)
    if isinstance(task, If):
        branch = task.then if truthy(_rendered(work, task, run, "condition", task.condition)) else task.else_
        return block(work, branch, errors, finally_, run, None)
    if isinstance(task, Switch):
        chosen = (run.outputs or {}).get("value")
        branch = (task.cases or {}).get(chosen) if chosen is not None else None
        if branch is None and not task.defaults:
            raise ChoreoError(f"no case matches the value '{chosen}' and there are no defaults")
        return block(work, branch if branch is not None else task.defaults, errors, finally_, run, None)
    if isinstance(task, ForEach | EachSequential | EachParallel):
        return _loop(work, task, run, errors, finally_)
    if isinstance(task, Dag):
        return _dag(work, task, run, errors, finally_)
    if isinstance(task, LoopUntil):
        return _loop_until(work, task, run, errors, finally_)
    if isinstance(task, Pause):
        return block(work, task.tasks, errors, finally_, run, None) if task.tasks else State.SUCCESS
    if isinstance(task, Subflow):
        return None  # ends with SubflowEnded
    if isinstance(task, ForEachItem):
        return _for_each_item(work, task, run)
    if isinstance(task, WorkingDirectory):
        return _working_directory(work, task, run, errors, finally_)
    if isinstance(task, Sequential | AllowFailure):
        return block(work, task.tasks, errors, finally_, run, None)
    if isinstance(task, Template):
        template = work.executor.template(task)
        if template is None:
            raise ChoreoError(f"Can't find flow template '{task.namespace}.{task.template_id}'")
        return block(work, template.tasks, [*(template.errors or ()), *(errors or ())], None, run, None)
    raise ChoreoError(f"the task type '{task.type}' cannot run yet in Choreo")


def _working_directory(work: Work, task: WorkingDirectory, run: TaskRun, errors: Any, finally_: Any) -> State | None:
    """Children run in one shared directory; then one attempt of the WorkingDirectory itself collects outputFiles
    and stores the cache."""
    if run.attempts:
        return None if not run.attempts[-1].state.current.is_terminal else run.state.current
    state = block(work, task.tasks, errors, finally_, run, None)
    if state is None or not (task.output_files or task.cache) or state in FAILED_STATES:
        return state
    work.new_attempt(task, run)
    return None


def _loop_until(work: Work, task: LoopUntil, run: TaskRun, errors: Any, finally_: Any) -> State | None:
    """Run the children again, `checkFrequency.interval` apart, until `condition` is true or a limit is reached.
    Output `iterationCount`: the iterations done so far (children see it while they run)."""
    done = int((run.outputs or {}).get("iterationCount", 0))
    frequency = task.check_frequency
    interval = _duration(work, task, run, "interval", frequency.interval) or timedelta(0)
    if done:
        last_end = max(
            (
                r.state.end_date
                for r in work.runs
                if r.parent_task_run_id == run.id and r.iteration == done - 1 and r.state.end_date is not None
            ),
            default=work.now,
        )
        if work.now < last_end + interval and work.find(run.id, task.tasks[0].id, run.value, done) is None:
            return None  # the next iteration waits for its WakeAt
    state = sequence(work, task.tasks, run, None, iteration=done)
    if state is None:
        return None
    if state in FAILED_STATES:
        return closing_branches(work, state, errors, None, run)
    count = done + 1
    run = work.put(run.model_copy(update={"outputs": {**(run.outputs or {}), "iterationCount": count}}))
    if truthy(work.render(task.condition, task, run)):
        return State.SUCCESS
    max_iterations = _int(work, task, run, "maxIterations", frequency.max_iterations)
    max_duration = _duration(work, task, run, "maxDuration", frequency.max_duration)
    started = run.state.start_date or work.now
    if (max_iterations and count >= max_iterations) or (max_duration and work.now - started >= max_duration):
        fail = truthy(work.render(task.fail_on_max_reached, task, run))
        return State.FAILED if fail else State.SUCCESS
    work.commands.append(WakeAt(run.id, work.now + interval))
    return None


def _duration(work: Work, task: Task, run: TaskRun, name: str, value: Any) -> timedelta | None:
    rendered = _rendered(work, task, run, name, value)
    return parse_duration(rendered) if isinstance(rendered, str) else rendered


# -- ForEachItem: split the file, one subflow per batch, merge -----------------------------------------------------
def _internal_run(work: Work, parent: TaskRun, suffix: str, state: State) -> TaskRun:
    """ForEachItem's internal steps are task runs of their own (`<id>_split`, `<id>_items`, `<id>_merge`), as in
    Kestra, with one attempt each."""
    run = TaskRun(
        execution_id=work.execution.id,
        namespace=work.execution.namespace,
        flow_id=work.execution.flow_id,
        task_id=f"{parent.task_id}_{suffix}",
        parent_task_run_id=parent.id,
        value=parent.value,
        iteration=parent.iteration,
        state=StateRecord.new(State.CREATED, work.now),
    )
    attempt = TaskRunAttempt(state=StateRecord.new(State.RUNNING, work.now))
    run = work.put(run.model_copy(update={"state": run.state.to(State.RUNNING, work.now), "attempts": (attempt,)}))
    return run if state == State.RUNNING else work.set_state(run, state)


def _split_items(work: Work, task: ForEachItem, run: TaskRun) -> TaskRun:
    split = _internal_run(work, run, "split", State.RUNNING)
    batch = task.batch
    rendered = work.render(
        {"items": task.items, "rows": batch.rows, "partitions": batch.partitions, "separator": batch.separator},
        task,
        run,
    )
    rows = int(rendered["rows"]) if rendered["rows"] is not None and rendered["partitions"] is None else None
    partitions = int(rendered["partitions"]) if rendered["partitions"] is not None else None
    work.commands.append(SplitItems(split.id, rendered["items"], rows, partitions, rendered["separator"]))
    return run


def _for_each_item(work: Work, task: ForEachItem, run: TaskRun) -> State | None:
    split = work.find(run.id, f"{task.id}_split", run.value, run.iteration)
    if split is None or not split.state.current.is_terminal:
        return None
    if split.state.current in FAILED_STATES:
        return State.FAILED
    items = work.find(run.id, f"{task.id}_items", run.value, run.iteration)
    if items is None:
        uris = list((split.outputs or {}).get("splits") or [])
        items = _internal_run(work, run, "items", State.RUNNING)
        iterations = {"CREATED": len(uris), "RUNNING": 0} if task.wait else {"RUNNING": 0, "SUCCESS": len(uris)}
        work.put(items.model_copy(update={"outputs": {"numberOfBatches": len(uris), "iterations": iterations}}))
        variables = work.variables(task, items)
        labels = {label.key: label.value for label in task.labels or ()}
        if task.inherit_labels:
            labels = {**{label.key: label.value for label in work.execution.labels}, **labels}
        for index, uri in enumerate(uris):
            batch_variables = {**variables, "taskrun": {**variables["taskrun"], "items": uri, "iteration": index}}
            rendered = work.executor.expressions.render_value(
                {"namespace": task.namespace, "flowId": task.flow_id, "inputs": task.inputs or {}}, batch_variables
            )
            work.commands.append(
                StartSubflow(
                    items.id,
                    rendered["namespace"],
                    rendered["flowId"],
                    task.revision,
                    rendered["inputs"],
                    labels,
                    task.wait,
                )
            )
        if not uris:  # nothing to do: no child executions, no outputs (as Kestra)
            work.put(work.run(items.id).model_copy(update={"outputs": None}))
            work.set_state(work.run(items.id), State.SUCCESS)
        elif not task.wait:
            work.set_state(work.run(items.id), State.SUCCESS)
        return None
    if not items.state.current.is_terminal:
        return None
    if items.state.current in FAILED_STATES:
        return items.state.current
    merge = work.find(run.id, f"{task.id}_merge", run.value, run.iteration)
    if merge is None:
        merge = _internal_run(work, run, "merge", State.SUCCESS)
        outputs = (items.outputs or {}).get("subflowOutputs", [])
        work.set_state(merge, State.SUCCESS, {"subflowOutputs": outputs})
    return State.SUCCESS


def _item_ended(work: Work, run: TaskRun, event: SubflowEnded) -> None:
    outputs = dict(run.outputs or {})
    iterations = dict(outputs.get("iterations") or {})
    iterations["CREATED"] = max(int(iterations.get("CREATED", 0)) - 1, 0)
    iterations[event.state.value] = int(iterations.get(event.state.value, 0)) + 1
    outputs["iterations"] = iterations
    if event.outputs:
        outputs["subflowOutputs"] = [*outputs.get("subflowOutputs", []), event.outputs]
    run = work.put(run.model_copy(update={"outputs": outputs}))
    ended = sum(count for state, count in iterations.items() if state not in ("CREATED", "RUNNING"))
    if ended >= int(outputs.get("numberOfBatches", 0)):
        parent = work.tasks.get(work.run(run.parent_task_run_id).task_id) if run.parent_task_run_id else None
        failed = any(iterations.get(state.value, 0) for state in FAILED_STATES)
        transmit = getattr(parent, "transmit_failed", True)
        final = State.FAILED if failed and transmit else State.SUCCESS
        work.set_state(run, final)


def conditions_hold(work: Work, conditions: list[Any] | None) -> bool:
    """Whether every condition holds for the execution as it ended (listeners). A condition that cannot be
    evaluated for an execution (about schedule dates, or other flows' windows) counts as true."""
    # Imported here: it imports every condition type, which only flows with listeners need (start-up time).
    from choreo.engine.conditions import ConditionContext, ConditionUnsupported, holds

    context = ConditionContext(
        execution=work.execution,
        flow_namespace=work.flow.namespace,
        flow_id=work.flow.id,
        variables=work.variables(),
        render=work.executor.expressions.render_value,
    )
    for condition in conditions or ():
        try:
            if not holds(condition, context):
                return False
        except ConditionUnsupported:
            continue
    return True


def enclosing_working_directory(work: Work, task: Task, run: TaskRun) -> tuple[TaskRun, Task] | None:
    """The WorkingDirectory run (and task) whose directory `run` works in, if any."""
    if isinstance(task, WorkingDirectory):
        return run, task
    current = run
    while current.parent_task_run_id is not None and current.parent_task_run_id in work.position:
        current = work.run(current.parent_task_run_id)
        parent_task = work.tasks.get(current.task_id)
        if isinstance(parent_task, WorkingDirectory):
            return current, parent_task
    return None


def _loop(work: Work, task: Any, run: TaskRun, errors: Any, finally_: Any) -> State | None:
    raw = task.values if isinstance(task, ForEach) else task.value
    values = _values(work, task, run, raw)
    if isinstance(task, ForEach):
        limit = _int(work, task, run, "concurrencyLimit", task.concurrency_limit)
    elif isinstance(task, EachParallel):
        limit = _int(work, task, run, "concurrent", task.concurrent)
    else:
        limit = 1
    states: list[State] = []
    active = 0
    failed = False
    for index, item in enumerate(values):
        key = loop_value(item)
        started = any(work.find(run.id, child.id, key, index) for child in task.tasks if not child.disabled)
        if not started and (failed or (limit and active >= limit)):
            continue
        state = sequence(work, task.tasks, run, key, iteration=index)
        if state is None:
            active += 1
            continue
        states.append(state)
        failed = failed or (state in FAILED_STATES and (started or limit == 1))  # as in `sequence`
    if active:
        return None
    return closing_branches(work, worst(states), errors, finally_, run)


def _dag(work: Work, task: Dag, run: TaskRun, errors: Any, finally_: Any) -> State | None:
    limit = _int(work, task, run, "concurrent", task.concurrent)
    done: dict[str, State] = {}
    pending = 0
    failed = False
    for node in task.tasks:
        child = work.find(run.id, node.task.id, run.value, run.iteration)
        if child is not None and child.state.current == State.RESTARTED:
            child = reopen(work, node.task, child)
        if child is not None and child.state.current == State.RUNNING and node.task.task_kind != "runnable":
            resolved = resolve(work, node.task, child)
            if resolved is not None:
                child = work.set_state(child, allowed(node.task, resolved))
        if child is not None and child.state.current.is_terminal:
            done[node.task.id] = child.state.current
            failed = failed or child.state.current in FAILED_STATES
        elif child is not None:
            pending += 1
    for node in task.tasks:
        if failed or node.task.id in done or work.find(run.id, node.task.id, run.value, run.iteration) is not None:
            continue
        if limit and pending >= limit:
            break
        if all(done.get(dep) not in (None, *FAILED_STATES) for dep in node.depends_on or ()):
            child = work.create(node.task, run, None)
            if child.state.current.is_terminal:
                done[node.task.id] = child.state.current
            else:
                pending += 1
    if pending or (not failed and len(done) < len([n for n in task.tasks if not n.task.disabled])):
        return None if pending or not failed else State.FAILED
    return closing_branches(work, worst(list(done.values())), errors, finally_, run)


# -- starting flowable and executor-side tasks --------------------------------------------------------------------
def on_start(work: Work, task: Task, run: TaskRun) -> TaskRun:
    """Open a flowable task run (or apply an executor-side one); children are resolved by `sequence`."""
    try:
        if isinstance(task, Switch):
            value = work.render(task.value, task, run)
            defaults = value not in (task.cases or {})
            return work.put(run.model_copy(update={"outputs": {"value": value, "defaults": defaults}}))
        if isinstance(task, LabelsTask):
            return _apply_labels(work, task, run)
        if isinstance(task, Exit):
            return _exit(work, task, run)
        if isinstance(task, SetVariables | UnsetVariables):
            return _change_variables(work, task, run)
        if isinstance(task, ResumeTask):
            return _resume_execution(work, task, run)
        if isinstance(task, Subflow):
            return _start_subflow(work, task, run)
        if isinstance(task, Pause):
            return _pause(work, task, run)
        if isinstance(task, LoopUntil):
            return work.put(run.model_copy(update={"outputs": {"iterationCount": 0}}))
        if isinstance(task, ForEachItem):
            return _split_items(work, task, run)
        if isinstance(task, Template):
            if work.executor.template(task) is None:
                return work.fail(run, f"Can't find flow template '{task.namespace}.{task.template_id}'")
            args = work.render(task.args or {}, task, run)
            return work.put(run.model_copy(update={"outputs": {"args": args}}))
    except ChoreoError as exc:
        return work.fail(run, f"task '{task.id}' failed: {exc}")
    return run


def _apply_labels(work: Work, task: LabelsTask, run: TaskRun) -> TaskRun:
    from choreo.model.labels import Label

    raw: Any = task.labels
    if isinstance(raw, list):
        raw = [{"key": entry.key, "value": entry.value} for entry in raw]
    rendered = work.render(raw, task, run)
    if isinstance(rendered, str):
        rendered = json.loads(rendered)
    if isinstance(rendered, dict):
        pairs = list(rendered.items())
    elif isinstance(rendered, list):
        pairs = [(entry["key"], entry["value"]) for entry in rendered]
    else:
        raise ChoreoError(f"labels must be a map or a list of {{key, value}}, got {type(rendered).__name__}")
    labels = {label.key: label.value for label in work.execution.labels}
    for key, value in pairs:
        labels[str(key)] = value if isinstance(value, str) else json.dumps(value)
    work.execution = work.execution.model_copy(
        update={"labels": tuple(Label(key=k, value=v) for k, v in labels.items())}
    )
    return work.set_state(run, State.SUCCESS)


def _change_variables(work: Work, task: SetVariables | UnsetVariables, run: TaskRun) -> TaskRun:
    """SetVariables merges rendered values into the execution's variables (over the flow's `variables`);
    UnsetVariables removes names. Both change what `{{ vars.* }}` reads for the rest of the execution."""
    current = {**(work.flow.variables or {}), **(work.execution.variables or {})}
    if isinstance(task, SetVariables):
        values = work.render(task.variables, task, run)
        if not isinstance(values, dict):
            raise ChoreoError(f"variables must render to a map, got {type(values).__name__}")
        if not truthy(work.render(task.overwrite, task, run)):
            taken = sorted(name for name in values if name in current)
            if taken:
                raise ChoreoError(f"`{'`, `'.join(taken)}` already exist(s) and overwrite is false")
        current = _deep_merge(current, values)
    else:
        names = work.render(task.variables, task, run)
        names = [names] if isinstance(names, str) else list(names or ())
        missing = [name for name in names if not _pop_path(current, str(name))]
        if missing and not truthy(work.render(task.ignore_missing, task, run)):
            raise ChoreoError(f"variable(s) `{'`, `'.join(map(str, missing))}` not found")
    work.execution = work.execution.model_copy(update={"variables": current})
    return work.set_state(run, State.SUCCESS)


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        merged[key] = _deep_merge(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return merged


def _pop_path(variables: dict[str, Any], path: str) -> bool:
    """Remove `a.b.c` from nested maps (copying the maps on the way); False when it was not there."""
    head, _, rest = path.partition(".")
    if head not in variables:
        return False
    if not rest:
        del variables[head]
        return True
    child = variables[head]
    if not isinstance(child, dict):
        return False
    variables[head] = child = dict(child)
    return _pop_path(child, rest)


def _resume_execution(work: Work, task: ResumeTask, run: TaskRun) -> TaskRun:
    """Resume a paused execution: this one (its paused branches) at once, another through the runner."""
    rendered = work.render({"executionId": task.execution_id, "inputs": task.inputs}, task, run)
    target = rendered["executionId"] or work.execution.id
    inputs = rendered["inputs"] if isinstance(rendered["inputs"], dict) else None
    if target == work.execution.id:
        if not resume_paused(work, inputs):
            raise ChoreoError(f"execution {target} has no paused task to resume")
        return work.set_state(run, State.SUCCESS)
    attempt = TaskRunAttempt(state=StateRecord.new(State.RUNNING, work.now))
    run = work.put(run.model_copy(update={"attempts": (*run.attempts, attempt)}))
    work.commands.append(ResumeExecution(run.id, str(target), inputs))
    return run


def resume_paused(work: Work, inputs: dict[str, Any] | None) -> int:
    """End every PAUSED task run as resumed (SUCCESS, `onResume` outputs); how many there were."""
    paused = [run for run in work.runs if run.state.current == State.PAUSED]
    for run in paused:
        resumed = work.set_state(run, State.RUNNING)
        work.set_state(resumed, State.SUCCESS, {"onResume": inputs} if inputs else None)
    return len(paused)


def _exit(work: Work, task: Exit, run: TaskRun) -> TaskRun:
    """End the execution now in the state asked for. KILLED kills what still runs; otherwise running attempts may
    finish, and the task runs waiting on children end in the same state."""
    state = State(str(work.render(task.state, task, run)).replace("CANCELED", "CANCELLED"))
    run = work.set_state(run, State.SUCCESS)
    if state == State.KILLED:
        work.executor.kill(work)
        return work.run(run.id)
    for other in list(work.runs):
        running_attempt = other.attempts and not other.attempts[-1].state.current.is_terminal
        if not other.state.current.is_terminal and not running_attempt:
            work.set_state(other, state)
    work.set_execution_state(state)
    work.halted = True
    return work.run(run.id)


def _start_subflow(work: Work, task: Subflow, run: TaskRun) -> TaskRun:
    rendered = work.render(
        {"namespace": task.namespace, "flowId": task.flow_id, "inputs": task.inputs or {}}, task, run
    )
    labels = {label.key: label.value for label in task.labels or ()}
    if task.inherit_labels is True:
        labels = {**{label.key: label.value for label in work.execution.labels}, **labels}
    work.commands.append(
        StartSubflow(
            run.id,
            rendered["namespace"],
            rendered["flowId"],
            task.revision if isinstance(task.revision, int) else None,
            rendered["inputs"],
            labels,
            task.wait,
        )
    )
    attempt = TaskRunAttempt(state=StateRecord.new(State.RUNNING, work.now))
    run = work.put(run.model_copy(update={"attempts": (*run.attempts, attempt)}))
    if not task.wait:
        return work.set_state(run, State.SUCCESS)
    return run


def subflow_ended(work: Work, event: SubflowEnded) -> None:
    if event.task_run_id not in work.position:
        return
    run = work.run(event.task_run_id)
    if run.state.current.is_terminal:
        return
    task = work.tasks.get(run.task_id)
    if task is None:  # one batch of a ForEachItem ended
        _item_ended(work, run, event)
        return
    state = event.state
    if state in FAILED_STATES or state == State.WARNING:
        state = state if getattr(task, "transmit_failed", True) else State.SUCCESS
    else:
        state = State.SUCCESS
    outputs = {"executionId": event.execution_id, "state": event.state.value}
    if event.outputs:
        outputs["outputs"] = event.outputs
    policy = work.in_place_retry(task, run)
    if state in FAILED_STATES and policy is not None:
        at = next_attempt_at(policy, run, work.now)
        if at is not None:  # a new child execution, on a new attempt of this task run
            last = run.attempts[-1]
            failed_attempt = last.model_copy(update={"state": last.state.to(State.FAILED, work.now)})
            update = {"attempts": (*run.attempts[:-1], failed_attempt), "state": run.state.to(State.RETRYING, work.now)}
            work.put(run.model_copy(update=update))
            work.commands.append(WakeAt(run.id, at))
            return
    work.set_state(run, allowed(task, State.FAILED if state == State.KILLED else state), outputs)


def _pause_duration(work: Work, task: Pause, run: TaskRun) -> timedelta | None:
    """How long the pause lasts: `pauseDuration` (or the old `delay`) resumes; else `timeout` fails."""
    duration = task.pause_duration if task.pause_duration is not None else task.delay
    if duration is None:
        duration = task.timeout
    if duration is None:
        return None
    duration = work.render(duration, task, run)
    return parse_duration(duration) if isinstance(duration, str) else duration


def _pause(work: Work, task: Pause, run: TaskRun) -> TaskRun:
    duration = _pause_duration(work, task, run)
    if duration is not None:
        work.commands.append(WakeAt(run.id, work.now + duration))
    return work.set_state(run, State.PAUSED)


def pause_elapsed(work: Work, task: Task, run: TaskRun) -> None:
    behavior = str(getattr(task, "behavior", "RESUME"))
    final = {"WARN": State.WARNING, "FAIL": State.FAILED, "CANCEL": State.CANCELLED}.get(behavior, State.SUCCESS)
    if isinstance(task, Pause) and task.pause_duration is None and task.delay is None:
        final = State.FAILED  # only a timeout was set: nobody resumed it in time
    run = work.set_state(run, State.RUNNING)
    if not (final == State.SUCCESS and isinstance(task, Pause) and task.tasks):  # legacy child tasks run now
        work.set_state(run, final)
    if work.execution.state.current == State.PAUSED and not any(r.state.current == State.PAUSED for r in work.runs):
        work.set_execution_state(State.RUNNING)
