"""Tasks the executor applies itself (SetVariables, UnsetVariables, Resume) and changing a task run's state by hand."""

from __future__ import annotations

import pytest

from choreo.app import Choreo, Settings
from choreo.engine.events import ResumeExecution, Start
from choreo.engine.operations import OperationRefused, change_task_run_state
from choreo.model.state import State
from executor_driver import Driver, flow, log


@pytest.fixture(scope="module")
def app():
    return Choreo(Settings())


def echo(task_id: str, message: str) -> str:
    return f'  - id: {task_id}\n    type: io.kestra.plugin.core.debug.Return\n    format: "{message}"\n'


def test_set_variables_changes_what_later_tasks_read(app):
    tasks = (
        "  - id: set\n    type: io.kestra.plugin.core.execution.SetVariables\n"
        '    variables:\n      greeting: "hi {{ inputs.name }}"\n      nested:\n        b: 2\n'
        + echo("read", "{{ vars.greeting }} {{ vars.nested.a }}{{ vars.nested.b }} {{ vars.kept }}")
    )
    extra = "inputs:\n  - id: name\n    type: STRING\nvariables:\n  kept: k\n  nested:\n    a: 1\n"
    d = Driver(app, flow(tasks, extra), {"name": "Ada"})
    assert d.states()["set"] == "SUCCESS" and d.started() == ["read"]
    assert d.execution.variables == {"greeting": "hi Ada", "nested": {"a": 1, "b": 2}, "kept": "k"}


def test_set_variables_without_overwrite_fails_on_an_existing_name(app):
    tasks = (
        "  - id: set\n    type: io.kestra.plugin.core.execution.SetVariables\n    overwrite: false\n"
        "    variables:\n      kept: new\n"
    )
    d = Driver(app, flow(tasks, "variables:\n  kept: old\n"))
    assert d.state == State.FAILED and d.states()["set"] == "FAILED"
    assert any("`kept` already exist" in c.message for c in d.commands if hasattr(c, "message"))


def test_unset_variables_removes_nested_names_and_fails_on_missing_ones(app):
    unset = "  - id: unset\n    type: io.kestra.plugin.core.execution.UnsetVariables\n    variables: [nested.a, kept]\n"
    d = Driver(app, flow(unset, "variables:\n  kept: k\n  nested:\n    a: 1\n    b: 2\n"))
    assert d.state == State.SUCCESS and d.execution.variables == {"nested": {"b": 2}}
    d = Driver(app, flow(unset.replace("kept]", "ghost]"), "variables:\n  nested:\n    a: 1\n"))
    assert d.state == State.FAILED
    tolerant = unset.replace("kept]", "ghost]\n    ignoreMissing: true")
    assert Driver(app, flow(tolerant, "variables:\n  nested:\n    a: 1\n")).state == State.SUCCESS


def test_resume_of_another_execution_is_a_command_for_the_runner(app):
    resume = (
        "  - id: resume\n    type: io.kestra.plugin.core.execution.Resume\n"
        '    executionId: "{{ inputs.target }}"\n    inputs:\n      ok: true\n'
    )
    d = Driver(app, flow(resume, "inputs:\n  - id: target\n    type: STRING\n"), {"target": "abc"})
    (command,) = d.commands
    assert command == ResumeExecution(d.run_id("resume"), "abc", {"ok": True})
    assert d.states()["resume"] == "RUNNING"


def test_resume_without_execution_id_resumes_this_executions_paused_branch(app):
    tasks = (
        "  - id: p\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n"
        "      - id: wait\n        type: io.kestra.plugin.core.flow.Pause\n"
        "      - id: resume\n        type: io.kestra.plugin.core.execution.Resume\n"
    )
    d = Driver(app, flow(tasks))
    assert d.state == State.SUCCESS
    assert d.states() == {"p": "SUCCESS", "wait": "SUCCESS", "resume": "SUCCESS"}


def test_changing_a_failed_task_run_to_success_lets_the_flow_go_on(app):
    tasks = "  - id: seq\n    type: io.kestra.plugin.core.flow.Sequential\n    tasks:\n" + log("x", 6) + log("y", 6)
    d = Driver(app, flow(tasks))
    d.finish("x", State.FAILED)
    assert d.state == State.FAILED and d.states() == {"seq": "FAILED", "x": "FAILED"}
    d.execution = change_task_run_state(d.execution, d.flow, d.run_id("x"), State.SUCCESS, d.now)
    assert d.state == State.RESTARTED and d.states() == {"seq": "RUNNING", "x": "SUCCESS"}
    x = d.execution.find_task_run(d.run_id("x"))
    assert x.attempts[-1].state.current == State.SUCCESS
    d.send(Start())
    assert d.started() == ["y"]
    d.finish("y")
    assert d.state == State.SUCCESS and d.states()["seq"] == "SUCCESS"


def test_changing_a_task_run_state_is_refused_when_it_makes_no_sense(app):
    d = Driver(app, flow(log("a")))
    with pytest.raises(OperationRefused, match="RUNNING"):
        change_task_run_state(d.execution, d.flow, d.run_id("a"), State.SUCCESS)
    d.finish("a")
    with pytest.raises(OperationRefused, match="already SUCCESS"):
        change_task_run_state(d.execution, d.flow, d.run_id("a"), State.SUCCESS)
    with pytest.raises(OperationRefused, match="not part of"):
        change_task_run_state(d.execution, d.flow, "nope", State.FAILED)
    with pytest.raises(OperationRefused, match="cannot be set to RUNNING"):
        change_task_run_state(d.execution, d.flow, d.run_id("a"), State.RUNNING)
