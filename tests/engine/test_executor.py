"""The executor as a pure function: events in, execution and commands out. No worker, no store, no clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from choreo.app import Choreo, Settings
from choreo.engine.events import CancelTask, Kill, Resume, Start, TaskResult, Wake, WakeAt
from choreo.model.state import State
from executor_driver import Driver, flow, log


@pytest.fixture(scope="module")
def app():
    return Choreo(Settings())


def test_sequential_tasks_start_one_after_the_other(app):
    d = Driver(app, flow(log("a") + log("b")))
    assert d.state == State.RUNNING and d.started() == ["a"]
    d.finish("a")
    assert d.started() == ["b"]
    d.finish("b")
    assert d.state == State.SUCCESS and d.commands == []
    history = [h.state for h in d.execution.state.histories]
    assert history == [State.CREATED, State.RUNNING, State.SUCCESS]


def test_a_failure_runs_the_errors_branch_and_fails_the_execution(app):
    d = Driver(app, flow(log("a") + log("b"), "errors:\n" + log("on-error")))
    d.finish("a", State.FAILED)
    assert d.started() == ["on-error"]
    d.finish("on-error")
    assert d.state == State.FAILED
    assert d.states() == {"a": "FAILED", "on-error": "SUCCESS"}  # b never ran


def test_finally_runs_whatever_happened(app):
    d = Driver(app, flow(log("a"), "finally:\n" + log("cleanup")))
    d.finish("a", State.FAILED)
    assert d.started() == ["cleanup"]
    d.finish("cleanup")
    assert d.state == State.FAILED


def test_parallel_respects_concurrent_and_waits_for_all(app):
    tasks = "  - id: p\n    type: io.kestra.plugin.core.flow.Parallel\n    concurrent: 2\n    tasks:\n"
    tasks += "".join(log(f"t{i}", 6) for i in range(4))
    d = Driver(app, flow(tasks))
    assert d.started() == ["t0", "t1"]
    d.finish("t0")
    assert d.started() == ["t2"]
    d.send(TaskResult(d.run_id("t1"), State.SUCCESS), TaskResult(d.run_id("t2"), State.SUCCESS))
    assert d.started() == ["t3"]
    d.finish("t3")
    assert d.state == State.SUCCESS and len(d.execution.task_run_list) == 5


def test_retry_delays_are_held_by_the_executor_and_add_attempts(app):
    retry = "    retry:\n      type: constant\n      interval: PT10S\n      maxAttempt: 3\n"
    d = Driver(app, flow(log("a", more=retry)))
    d.finish("a", State.FAILED)
    (wake,) = d.commands
    assert isinstance(wake, WakeAt) and wake.at == d.now + timedelta(seconds=10)
    assert d.execution.task_run_list[0].state.current == State.RETRYING
    d.send(Wake(wake.task_run_id), seconds=10)
    assert d.started() == ["a"] and d.commands[0].attempt == 2
    d.finish("a", State.FAILED)
    d.send(Wake(wake.task_run_id), seconds=10)
    d.finish("a", State.FAILED)
    assert d.state == State.FAILED
    assert [a.state.current for a in d.execution.task_run_list[0].attempts] == [State.FAILED] * 3


def test_allow_failure_turns_a_failure_into_a_warning_and_goes_on(app):
    d = Driver(app, flow(log("a", more="    allowFailure: true\n") + log("b")))
    d.finish("a", State.FAILED)
    assert d.started() == ["b"]
    d.finish("b")
    assert d.state == State.WARNING


def test_run_if_false_skips_the_task(app):
    d = Driver(
        app,
        flow(log("a", more='    runIf: "{{ inputs.go }}"\n') + log("b"), "inputs:\n  - id: go\n    type: BOOLEAN\n"),
        {"go": "false"},
    )
    assert d.states()["a"] == "SKIPPED" and d.started() == ["b"]


def test_if_and_switch_choose_their_branch(app):
    tasks = (
        '  - id: cond\n    type: io.kestra.plugin.core.flow.If\n    condition: "{{ inputs.n > 1 }}"\n'
        "    then:\n"
        + log("big", 6)
        + "    else:\n"
        + log("small", 6)
        + '  - id: sw\n    type: io.kestra.plugin.core.flow.Switch\n    value: "{{ inputs.n }}"\n'
        "    cases:\n      '5':\n" + log("five", 8) + "    defaults:\n" + log("other", 6)
    )
    d = Driver(app, flow(tasks, "inputs:\n  - id: n\n    type: INT\n"), {"n": "5"})
    assert d.started() == ["big"]
    d.finish("big")
    assert d.started() == ["five"]
    assert d.execution.find_task_run(d.run_id("sw")).outputs == {"value": "5", "defaults": False}


def test_for_each_runs_each_value_with_its_limit(app):
    tasks = (
        '  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b", "c"]\n'
        "    concurrencyLimit: 2\n    tasks:\n" + log("step", 6)
    )
    d = Driver(app, flow(tasks))
    assert [d.execution.find_task_run(c.task_run_id).value for c in d.commands] == ["a", "b"]
    d.finish("step", value="a")
    assert [d.execution.find_task_run(c.task_run_id).value for c in d.commands] == ["c"]
    d.send(TaskResult(d.run_id("step", "b"), State.SUCCESS), TaskResult(d.run_id("step", "c"), State.SUCCESS))
    assert d.state == State.SUCCESS
    assert [r.iteration for r in d.execution.task_run_list[1:]] == [0, 1, 2]


def test_dag_starts_tasks_when_their_dependencies_succeeded(app):
    def node(task_id: str, deps: str = "") -> str:
        text = f"      - task:\n          id: {task_id}\n"
        text += "          type: io.kestra.plugin.core.log.Log\n          message: x\n"
        return text + (f"        dependsOn: [{deps}]\n" if deps else "")

    tasks = (
        "  - id: dag\n    type: io.kestra.plugin.core.flow.Dag\n    tasks:\n"
        + node("a")
        + node("b", "a")
        + node("c", "a")
        + node("d", "b, c")
    )
    d = Driver(app, flow(tasks))
    assert d.started() == ["a"]
    d.finish("a")
    assert sorted(d.started()) == ["b", "c"]
    d.finish("b")
    assert d.started() == []
    d.finish("c")
    assert d.started() == ["d"]
    d.finish("d")
    assert d.state == State.SUCCESS


def test_kill_cancels_running_attempts_and_ends_killed(app):
    d = Driver(app, flow(log("a") + log("b")))
    d.send(Kill())
    assert [type(c) for c in d.commands] == [CancelTask]
    assert d.state == State.KILLED and d.states() == {"a": "KILLED"}
    d.finish("a")  # a late result changes nothing
    assert d.state == State.KILLED


def test_pause_waits_for_resume(app):
    tasks = "  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n" + log("after")
    d = Driver(app, flow(tasks))
    assert d.state == State.PAUSED and d.started() == []
    d.send(Resume({"approved": True}))
    assert d.state == State.RUNNING and d.started() == ["after"]
    assert d.execution.find_task_run(d.run_id("wait")).outputs == {"onResume": {"approved": True}}


def test_flow_outputs_are_rendered_at_the_end(app):
    d = Driver(app, flow(log("a"), 'outputs:\n  - id: greeting\n    type: STRING\n    value: "{{ outputs.a.x }}"\n'))
    d.finish("a", outputs={"x": "hello"})
    assert d.state == State.SUCCESS and d.execution.outputs == {"greeting": "hello"}


def test_restart_gives_the_failed_task_a_new_attempt_and_drops_the_errors_branch(app):
    from choreo.engine.operations import restart

    d = Driver(app, flow(log("a") + log("b"), "errors:\n" + log("on-error")))
    d.finish("a")
    d.finish("b", State.FAILED)
    d.finish("on-error")
    assert d.state == State.FAILED
    d.execution = restart(d.execution, d.flow, d.now)
    assert d.state == State.RESTARTED and "on-error" not in d.states()
    d.send(Start())
    assert d.state == State.RUNNING and d.started() == ["b"] and d.commands[0].attempt == 2
    d.finish("b")
    assert d.state == State.SUCCESS
    b = d.execution.find_task_run(d.run_id("b"))
    assert [a.state.current for a in b.attempts] == [State.FAILED, State.SUCCESS]
    assert d.execution.find_task_run(d.run_id("a")).attempts[0].state.current == State.SUCCESS  # not run again


def test_restart_reopens_failed_flowable_parents(app):
    from choreo.engine.operations import restart

    tasks = "  - id: seq\n    type: io.kestra.plugin.core.flow.Sequential\n    tasks:\n" + log("x", 6) + log("y", 6)
    d = Driver(app, flow(tasks))
    d.finish("x")
    d.finish("y", State.FAILED)
    assert d.states() == {"seq": "FAILED", "x": "SUCCESS", "y": "FAILED"}
    d.execution = restart(d.execution, d.flow, d.now)
    d.send(Start())
    assert d.started() == ["y"]
    d.finish("y")
    assert d.state == State.SUCCESS and d.states()["seq"] == "SUCCESS"


def test_only_ended_executions_can_be_restarted_or_replayed(app):
    from choreo.engine.operations import OperationRefused, replay, restart

    d = Driver(app, flow(log("a")))
    with pytest.raises(OperationRefused, match="RUNNING"):
        restart(d.execution, d.flow)
    with pytest.raises(OperationRefused, match="RUNNING"):
        replay(d.execution)


def test_replay_from_a_task_run_keeps_what_came_before(app):
    from choreo.engine.operations import replay

    d = Driver(app, flow(log("a") + log("b") + log("c")))
    d.finish("a", outputs={"v": 1})
    d.finish("b", State.FAILED)
    original = d.execution
    new = replay(original, d.run_id("b"))
    assert new.id != original.id and new.original_id == original.id and new.state.current == State.CREATED
    assert [(r.task_id, r.state.current, r.outputs) for r in new.task_run_list] == [("a", State.SUCCESS, {"v": 1})]
    d.execution = new
    d.send(Start())
    assert d.started() == ["b"]
    d.finish("b")
    d.finish("c")
    assert d.state == State.SUCCESS
    whole = replay(d.execution)
    assert whole.task_run_list == () and whole.original_id == original.id


def test_exit_ends_the_execution_in_the_state_asked(app):
    exit_task = "  - id: stop\n    type: io.kestra.plugin.core.execution.Exit\n    state: WARNING\n"
    d = Driver(app, flow(log("a") + exit_task + log("never")))
    d.finish("a")
    assert d.state == State.WARNING and "never" not in d.states() and d.states()["stop"] == "SUCCESS"


def test_exit_killed_kills_what_still_runs(app):
    tasks = (
        "  - id: p\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n"
        + log("slow", 6)
        + "      - id: stop\n        type: io.kestra.plugin.core.execution.Exit\n        state: KILLED\n"
    )
    d = Driver(app, flow(tasks))
    assert d.state == State.KILLED
    assert [type(c).__name__ for c in d.commands] == ["RunTask", "CancelTask"]
    assert d.states()["slow"] == "KILLED"


def test_create_new_execution_retry_ends_the_execution_retried_with_a_command_for_the_next_one(app):
    from choreo.engine.events import RetryExecution
    from choreo.model.execution import ExecutionMetadata

    retry = (
        "    retry:\n      behavior: CREATE_NEW_EXECUTION\n      type: constant\n      interval: PT5S\n"
        "      maxAttempt: 2\n"
    )
    d = Driver(app, flow(log("a", more=retry)))
    d.finish("a", State.FAILED)
    assert d.state == State.RETRIED and d.states() == {"a": "FAILED"}  # no in-place attempt
    (command,) = d.commands
    assert isinstance(command, RetryExecution) and command.at == d.now + timedelta(seconds=5)
    last = Driver(app, flow(log("a", more=retry)))
    last.execution = last.execution.model_copy(update={"metadata": ExecutionMetadata(attempt_number=2)})
    last.finish("a", State.FAILED)
    assert last.state == State.FAILED and last.commands == []  # maxAttempt reached: the chain ends FAILED
