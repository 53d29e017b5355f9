"""Runs corpus flows on Choreo's engine and checks them against the facts of expectations.yaml.

`check_case(entry)` returns (passed, reason). Checked: state, taskRunCount, taskRuns, notRun, attempts, byIndex,
lastTaskRun, outputs and flowOutputs (with the matchers documented in expectations.yaml), labels. A case that needs
something the runner cannot provide (operations, scenarios, triggers, setup) is reported as not checkable.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from choreo.app import Choreo
from choreo.engine.context import MemoryKeyValues, MemoryLogs
from choreo.engine.executor import Executor
from choreo.engine.local import LocalRunner, new_execution
from choreo.engine.worker import Worker
from choreo.errors import InputInvalid
from choreo.model.execution import Execution, new_id
from choreo.model.flow import Flow
from choreo.model.inputs import FileInput
from choreo.storage import LocalStorage, input_file_uri
from corpus_support import compat_dir, expectations

TIMEOUT_SECONDS = 20
NOT_CHECKABLE_KEYS = ("operations", "scenarios", "triggeredOnly", "subflowOnly")
#: Preconditions the runner provides: Kestra's template feature, the template of with-template.yaml (described in
#: words in expectations.yaml), KV entries.
TEMPLATE_SOURCES = {
    ("io.kestra.tests", "template"): (
        "id: template\nnamespace: io.kestra.tests\ntasks:\n  - id: test\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"{{ parent.outputs.args['my-forward'] }}\"\n"
    )
}
#: Inputs described in words that the runner produces: the id of a paused execution of a related flow.
PAUSED_EXECUTION_INPUT = re.compile(r"<id of a PAUSED execution of (\S+)>")
NOT_CHECKABLE_EXPECTED = ("trigger", "webhookCalls", "flowOutputsSequence", "validation")

_APP: Choreo | None = None
_FLOWS: dict[tuple[str, str], Flow] | None = None


def app() -> Choreo:
    global _APP
    if _APP is None:
        _APP = Choreo()
    return _APP


def corpus_flows() -> dict[tuple[str, str], Flow]:
    global _FLOWS
    if _FLOWS is None:
        _FLOWS = {}
        for path in sorted((compat_dir() / "flows").glob("*.y*ml")):
            result = app().flows.validate(path.read_text(encoding="utf-8"), str(path))
            if result.flow is not None:
                _FLOWS[(result.flow.namespace, result.flow.id)] = result.flow
    return _FLOWS


def checkable(entry: dict[str, Any]) -> str | None:
    """Why the case cannot be checked here, or None."""
    if entry["file"].startswith("invalids/"):
        return "an invalid flow (checked by test_corpus_validation)"
    for key in NOT_CHECKABLE_KEYS:
        if entry.get(key):
            return f"needs {key}"
    requires = entry.get("requires") or {}
    if set(requires) - {"config", "template"} or set(requires.get("config") or {}) - {"kestra.templates.enabled"}:
        return "needs requires"
    setup = entry.get("setup") or {}
    fresh_cache = str(setup.get("cache", "no cache")).startswith("no cache")  # a fresh storage has none
    if set(setup) - {"kv", "cache"} or not fresh_cache or (setup.get("kv") and not isinstance(setup["kv"], dict)):
        return "needs setup"
    expected = entry["expected"]
    if expected.get("state") in ("unknown", "INVALID"):
        return "no asserted final state"
    for key in NOT_CHECKABLE_EXPECTED:
        if key in expected:
            return f"checks {key}"
    return None


def _file_content(description: Any) -> str:
    """The content of a corpus input file. Some are described in words ("102 lines; line i … left-padded with spaces
    to 20 characters"): those are generated."""
    text = str(description)
    if text == "zero-byte file":
        return ""
    match = re.match(r"^(\d+) lines; line i .* left-padded with spaces to (\d+) characters", text)
    if match:
        return "".join(f"{i:>{int(match[2])}}\n" for i in range(int(match[1])))
    return text


def _inputs(entry: dict[str, Any], flow: Flow, execution_id: str, storage: LocalStorage) -> dict[str, Any]:
    values: dict[str, Any] = {}
    files = entry.get("inputFiles") or {}
    declared = {item.id: item for item in flow.inputs or ()}
    for key, value in (entry.get("inputs") or {}).items():
        if isinstance(value, str) and value.startswith("@repeat:"):
            _, char, count = value.split(":")
            value = char * int(count)
        if isinstance(value, str) and value.startswith("@file:"):
            name = value.removeprefix("@file:")
            content = _file_content(files.get(name, f"content of {name}\n"))
            uri = input_file_uri(flow.namespace, flow.id, execution_id, key, name)
            value = storage.put(uri, str(content).encode())
        elif isinstance(declared.get(key), FileInput) and isinstance(value, str) and not value.startswith("kestra:"):
            uri = input_file_uri(flow.namespace, flow.id, execution_id, key, "file.txt")
            value = storage.put(uri, value.encode())
        values[key] = value
    return values


def _templates() -> dict[tuple[str, str], Flow]:
    return {key: app().flows.load(source) for key, source in TEMPLATE_SOURCES.items()}


def _key_values(entry: dict[str, Any]) -> MemoryKeyValues:
    kv = MemoryKeyValues()
    entry_kv = (entry.get("setup") or {}).get("kv")
    if isinstance(entry_kv, dict):
        kv.put(entry_kv["namespace"], entry_kv["key"], entry_kv["value"], None)
    return kv


class Observed:
    """The latest state of every execution of the flow under test (a retry creates new ones)."""

    def __init__(self, logs: MemoryLogs, flow: Flow) -> None:
        self.logs = logs
        self.flow = flow
        self.states: dict[str, str] = {}

    def on_update(self, execution: Execution) -> None:
        self.logs.on_update(execution)
        if (execution.namespace, execution.flow_id) == (self.flow.namespace, self.flow.id):
            self.states[execution.id] = execution.state.current.value


def run_flow(entry: dict[str, Any]) -> tuple[Execution, LocalStorage]:
    execution, storage, _ = run_and_observe(entry)
    return execution, storage


def run_and_observe(
    entry: dict[str, Any], storage: LocalStorage | None = None, kv: MemoryKeyValues | None = None
) -> tuple[Execution, LocalStorage, Observed]:
    """Run the case's flow (on `storage` and `kv`, to share caches and state with earlier runs) and watch its
    executions."""
    flows = corpus_flows()
    flow = flows[(entry["namespace"], entry["id"])]
    storage = storage or LocalStorage(tempfile.mkdtemp(prefix="choreo-compat-"))
    logs = MemoryLogs()
    templates = _templates()
    worker = Worker(
        expressions=app().expressions,
        storage=storage,
        kv=kv or _key_values(entry),
        secrets={},
        on_log=logs.on_log,
        logs=logs,
        task_loader=app().load_task,
    )
    runner = LocalRunner(
        Executor(app().expressions, templates=lambda ns, template_id: templates.get((ns, template_id))),
        worker,
        flows=lambda ns, flow_id, revision: flows.get((ns, flow_id)),
        on_update=(observed := Observed(logs, flow)).on_update,
    )
    before, entry = _paused_executions(entry, flows)
    execution_id = new_id()
    labels = {str(k): str(v) for k, v in (entry.get("executionLabels") or {}).items()}
    inputs = _inputs(entry, flow, execution_id, storage)
    # Kestra's test injected the values as they are, or gave none at all (its runOne then reads no inputs); defaults
    # still apply.
    if entry.get("inputsMode") == "raw" or (not entry.get("inputs") and entry.get("inputsMode") != "api"):
        defaults = {item.id: item.defaults for item in flow.inputs or () if item.defaults is not None}
        execution = new_execution(flow, {}, labels=labels, execution_id=execution_id, check_inputs=False)
        execution = execution.model_copy(update={"inputs": {**defaults, **inputs}})
    else:
        execution = new_execution(flow, inputs, labels=labels, execution_id=execution_id)

    async def bounded() -> Execution:
        for related_flow, related in before:  # e.g. the paused execution that resume-execution.yaml resumes
            await runner.execute(related_flow, related)
        return await asyncio.wait_for(runner.execute(flow, execution), TIMEOUT_SECONDS)

    return asyncio.run(bounded()), storage, observed


def _paused_executions(
    entry: dict[str, Any], flows: dict[tuple[str, str], Flow]
) -> tuple[list[tuple[Flow, Execution]], dict[str, Any]]:
    """Executions of related flows that an input names in words, and the entry with their ids as inputs."""
    found = []
    inputs = dict(entry.get("inputs") or {})
    for key, value in inputs.items():
        match = PAUSED_EXECUTION_INPUT.fullmatch(str(value))
        if match:
            related_flow = next(f for f in flows.values() if f"{f.id}.yaml" == match[1])
            related = new_execution(related_flow, {})
            inputs[key] = related.id
            found.append((related_flow, related))
    return found, {**entry, "inputs": inputs}


# -- matchers -----------------------------------------------------------------------------------------------------
def matches(expected: Any, actual: Any, storage: LocalStorage | None = None) -> bool:
    if isinstance(expected, str) and expected.startswith("${"):  # a placeholder such as ${subExecution.id}
        return actual is not None and actual != ""
    if isinstance(expected, dict) and any(str(k).startswith("$") for k in expected):
        return all(_matcher(op, arg, actual, expected, storage) for op, arg in expected.items() if op.startswith("$"))
    if isinstance(expected, dict):
        # A missing key reads as null, so that {"$isNull": true} holds for it.
        return isinstance(actual, dict) and all(matches(v, actual.get(k), storage) for k, v in expected.items())
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(matches(e, a, storage) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, str) and not isinstance(actual, str) and actual is not None:
        return expected == _text(actual)
    return expected == actual


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _matcher(op: str, arg: Any, actual: Any, whole: dict[str, Any], storage: LocalStorage | None) -> bool:
    text = actual if isinstance(actual, str) else (_text(actual) if actual is not None else None)
    if op == "$contains":
        return text is not None and str(arg) in text
    if op == "$startsWith":
        return text is not None and text.startswith(str(arg))
    if op == "$endsWith":
        return text is not None and text.endswith(str(arg))
    if op == "$matches":
        return text is not None and re.fullmatch(str(arg), text, re.S) is not None
    if op == "$notNull":
        return actual is not None
    if op == "$isNull":
        return actual is None
    if op == "$not":
        return not matches(arg, actual, storage)
    if op == "$equals":
        return actual == arg
    if op == "$hasKey":
        return isinstance(actual, dict) and arg in actual
    if op == "$size":
        return hasattr(actual, "__len__") and len(actual) == arg
    if op == "$gte":
        return actual is not None and actual >= arg
    if op == "$oneOf":
        return any(matches(option, actual, storage) for option in arg)
    if op == "$hasItems":
        return isinstance(actual, list) and all(any(matches(i, a, storage) for a in actual) for i in arg)
    if op == "$containsInAnyOrder":
        return isinstance(actual, list) and sorted(map(str, actual)) == sorted(map(str, arg))
    if op == "$fileContent":
        return storage is not None and isinstance(actual, str) and storage.read_bytes(actual).decode() == arg
    if op == "$firstValueFileContent":
        first = next(iter(actual.values()), None) if isinstance(actual, dict) and actual else None
        return storage is not None and isinstance(first, str) and storage.read_bytes(first).decode() == arg
    if op == "$dateTimeWithinSecondsOfNow":
        try:
            moment = datetime.fromisoformat(str(actual).replace("Z", "+00:00"))
        except ValueError:
            return False
        return abs((datetime.now(UTC) - moment).total_seconds()) <= float(arg)
    raise AssertionError(f"unknown matcher {op}")


# -- checks -------------------------------------------------------------------------------------------------------
def _value_path(execution: Execution, run_id: str) -> list[str]:
    from choreo.engine.variables import value_path

    runs = {run.id: run for run in execution.task_run_list}
    return value_path(runs[run_id], runs)


def _select(execution: Execution, key: str):
    match = re.fullmatch(r"(.+?)\[(.*)\]", key)
    if not match:
        return next((run for run in execution.task_run_list if run.task_id == key), None)
    task_id, values = match[1], [v.strip() for v in match[2].split(",")]
    for run in execution.task_run_list:
        if run.task_id == task_id and _value_path(execution, run.id) == values:
            return run
    return None


def check_expected(expected: dict[str, Any], execution: Execution, storage: LocalStorage) -> str | None:
    runs = execution.task_run_list
    state = expected.get("state")
    if state and execution.state.current.value != state:
        return f"state {execution.state.current.value}, expected {state}"
    if "taskRunCount" in expected and len(runs) != expected["taskRunCount"]:
        return f"{len(runs)} task runs, expected {expected['taskRunCount']}"
    for task_id, wanted in (expected.get("taskRuns") or {}).items():
        run = _select(execution, task_id)
        if run is None or run.state.current.value != wanted:
            return f"task {task_id}: {run.state.current.value if run else 'no run'}, expected {wanted}"
    for task_id in expected.get("notRun") or ():
        if any(run.task_id == task_id for run in runs):
            return f"task {task_id} ran"
    for task_id, count in (expected.get("attempts") or {}).items():
        run = _select(execution, task_id)
        if run is None or len(run.attempts) != count:
            return f"task {task_id}: {len(run.attempts) if run else 'no'} attempts, expected {count}"
    for index, facts in (expected.get("byIndex") or {}).items():
        if int(index) >= len(runs):
            return f"no task run at index {index}"
        problem = _check_run(runs[int(index)], facts, storage)
        if problem:
            return f"task run {index} ({runs[int(index)].task_id}): {problem}"
    if "lastTaskRun" in expected and runs:
        problem = _check_run(runs[-1], expected["lastTaskRun"], storage)
        if problem:
            return f"last task run: {problem}"
    for key, wanted in (expected.get("outputs") or {}).items():
        run = _select(execution, key)
        if run is None or not matches(wanted, run.outputs or {}, storage):
            return f"outputs of {key}: {run.outputs if run else 'no run'}, expected {wanted}"
    if "flowOutputs" in expected:
        wanted = expected["flowOutputs"]
        if wanted is None and execution.outputs:
            return f"flow outputs {execution.outputs}, expected none"
        if wanted is not None and not matches(wanted, execution.outputs or {}, storage):
            return f"flow outputs {execution.outputs}, expected {wanted}"
    labels = {label.key: label.value for label in execution.labels}
    for key, value in (expected.get("labels") or {}).items():
        if "${" in str(value):
            if key not in labels:
                return f"no label {key}"
        elif labels.get(key) != _text(value):
            return f"label {key}={labels.get(key)}, expected {value}"
    return None


def _check_run(run: Any, facts: dict[str, Any], storage: LocalStorage) -> str | None:
    if "taskId" in facts and run.task_id != facts["taskId"]:
        return f"task {run.task_id}, expected {facts['taskId']}"
    if "attemptState" in facts:
        first = run.attempts[0].state.current.value if run.attempts else "none"
        if first != facts["attemptState"]:
            return f"first attempt {first}, expected {facts['attemptState']}"
    if "state" in facts and run.state.current.value != facts["state"]:
        return f"state {run.state.current.value}, expected {facts['state']}"
    if "attempts" in facts and not matches(facts["attempts"], len(run.attempts)):
        return f"{len(run.attempts)} attempts, expected {facts['attempts']}"
    wanted_outputs = facts.get("outputs")
    actual_outputs = run.outputs if wanted_outputs is None else (run.outputs or {})
    if "outputs" in facts and not matches(wanted_outputs, actual_outputs, storage):
        return f"outputs {run.outputs}, expected {facts['outputs']}"
    return None


#: Extra cases named "second run …" / "third run …" follow the main case (and the second) on the same storage.
EARLIER_RUNS = {"second": 1, "third": 2}
#: Inputs that name one state across the runs of a case: replaced by one name per check.
SHARED_NAME = re.compile(r"<(fresh unique name|same name[^>]*)>")


def _earlier_runs(entry: dict[str, Any]) -> list[dict[str, Any]]:
    name = str(entry.get("_case", ""))
    count = EARLIER_RUNS.get(name.split(" ", 1)[0], 0)
    if not count:
        return []
    main = resolve_case(entry["file"])
    cases = [main, *(extra_case(main, str(c["name"])) for c in main.get("extraCases") or ())]
    return [_same_names(case, entry["_shared"]) for case in cases[:count]]


def _same_names(entry: dict[str, Any], shared: str | None = None) -> dict[str, Any]:
    shared = shared or entry.get("_shared") or new_id()
    inputs = {
        k: SHARED_NAME.sub(shared, v) if isinstance(v, str) else v for k, v in (entry.get("inputs") or {}).items()
    }
    return {**entry, "inputs": inputs, "_shared": shared}


def extra_case(entry: dict[str, Any], name: str) -> dict[str, Any]:
    """The entry as it would be for one of its `extraCases` (inputs replaced, overridden or removed)."""
    case = next(c for c in entry.get("extraCases") or () if str(c["name"]) == name)
    inputs = dict(entry.get("inputs") or {})
    if "inputs" in case:
        inputs = dict(case["inputs"])
    inputs.update(case.get("inputsOverride") or {})
    for key in case.get("inputsRemove") or ():
        inputs.pop(key, None)
    derived = {key: value for key, value in entry.items() if key not in ("extraCases", "operations", "setup")}
    derived.update(inputs={k: v for k, v in inputs.items() if v is not None}, expected=case["expected"], _case=name)
    for key in ("inputFiles", "executionLabels", "operations", "setup", "config"):
        if key in case:
            derived[key] = case[key]
    return derived


def case_names(entry: dict[str, Any]) -> list[str]:
    """`file` for the main case, `file#name` for each extra case."""
    return [entry["file"], *(f"{entry['file']}#{case['name']}" for case in entry.get("extraCases") or ())]


def resolve_case(name: str) -> dict[str, Any]:
    file, _, extra = name.partition("#")
    entry = next(e for e in expectations() if e["file"] == file)
    return extra_case(entry, extra) if extra else entry


def check_case(entry: dict[str, Any]) -> tuple[bool, str]:
    reason = checkable(entry)
    if entry.get("config"):
        reason = "needs configuration"
    if reason:
        return False, f"not checkable: {reason}"
    if "inputError" in entry["expected"]:
        return _check_input_error(entry)
    try:
        storage = LocalStorage(tempfile.mkdtemp(prefix="choreo-compat-"))
        entry = _same_names(entry)
        kv = _key_values(entry)
        for earlier in _earlier_runs(entry):  # "second run …": the runs before it, on the same storage and KV
            run_and_observe(earlier, storage, kv)
        execution, storage, observed = run_and_observe(entry, storage, kv)
    except TimeoutError:
        return False, f"did not end within {TIMEOUT_SECONDS} s"
    except Exception as exc:  # the report names any crash; the test then fails for a listed flow
        return False, f"error: {type(exc).__name__}: {exc}"
    problem = check_expected(entry["expected"], execution, storage)
    wanted = entry["expected"].get("terminalStatesObserved")
    if problem is None and wanted is not None and sorted(observed.states.values()) != sorted(wanted):
        problem = f"terminal states {sorted(observed.states.values())}, expected {sorted(wanted)}"
    return (problem is None, problem or "ok")


def _check_input_error(entry: dict[str, Any]) -> tuple[bool, str]:
    expected = entry["expected"]["inputError"]
    wanted = expected["$contains"] if isinstance(expected, dict) else str(expected).split(": ", 1)[-1]
    try:
        run_flow(entry)
    except InputInvalid as exc:
        messages = list(exc.problems.values())
        return (any(wanted in m for m in messages), "ok" if any(wanted in m for m in messages) else f"{messages}")
    return False, "the inputs were accepted"


def all_entries() -> list[dict[str, Any]]:
    return list(expectations())


PASSING_LIST = Path(__file__).parent / "compat" / "passing.txt"


def passing_files() -> list[str]:
    if not PASSING_LIST.exists():
        return []
    return [line.strip() for line in PASSING_LIST.read_text().splitlines() if line.strip() and not line.startswith("#")]
