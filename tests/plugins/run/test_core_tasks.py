"""Running the simple core tasks: Log, Echo, Return, OutputValues, Fail and Sleep."""

from __future__ import annotations

import asyncio
import time

import pytest

from choreo.plugins.context import TaskFailed
from choreo.plugins.core.debug.echo import Echo
from choreo.plugins.core.debug.return_ import Return
from choreo.plugins.core.execution.fail import Fail
from choreo.plugins.core.flow.sleep import Sleep
from choreo.plugins.core.log.log import Log
from choreo.plugins.core.output.output_values import OutputValues
from choreo.testing import FakeRunContext, default_variables


@pytest.fixture
def ctx(tmp_path) -> FakeRunContext:
    variables = default_variables() | {"inputs": {"name": "ada", "param": "fail", "nap": "PT0.05S"}}
    return FakeRunContext(variables, work_root=tmp_path)


def test_log_renders_one_message_at_info(ctx, load, run):
    task = load(
        Log,
        """
        id: hello
        type: io.kestra.plugin.core.log.Log
        message: "Hello {{ inputs.name }} from {{ flow.namespace }}"
        """,
    )
    assert run(task, ctx) is None
    assert ctx.log_lines == [("INFO", "Hello ada from company.team")]


def test_log_each_message_of_a_list_at_the_level(ctx, load, run):
    task = load(
        Log,
        """
        id: log
        type: io.kestra.core.tasks.log.Log
        level: WARN
        message:
          - "first {{ task.id }}"
          - second
        """,
    )
    run(task, ctx)
    assert ctx.log_lines == [("WARN", "first test_task"), ("WARN", "second")]


def test_log_fails_on_an_undefined_variable(ctx, load, run):
    task = load(Log, "id: log\ntype: io.kestra.plugin.core.log.Log\nmessage: '{{ inputs.missing }}'")
    with pytest.raises(Exception, match="inputs.missing"):
        run(task, ctx)


def test_echo_logs_the_rendered_format(ctx, load, run):
    task = load(
        Echo, "id: echo\ntype: io.kestra.plugin.core.debug.Echo\nformat: '{{ inputs.name | upper }}'\nlevel: ERROR"
    )
    assert run(task, ctx) is None
    assert ctx.log_lines == [("ERROR", "ADA")]


def test_return_outputs_the_value_with_kestras_debug_log_and_metrics(ctx, load, run):
    task = load(
        Return,
        """
        id: return
        type: io.kestra.plugin.core.debug.Return
        format: "{{ task.id }} > {{ inputs.name }}"
        """,
    )
    assert run(task, ctx) == {"value": "test_task > ada"}
    assert ctx.log_lines == [("DEBUG", "test_task > ada")]
    length, duration = ctx.metrics
    assert (length.name, length.kind, length.value, dict(length.tags)) == (
        "length",
        "counter",
        15.0,
        {"format": "test_task > ada"},
    )
    assert duration.name == "duration" and duration.kind == "timer" and 0 <= duration.value < 1


def test_return_without_format_is_null(ctx, load, run):
    assert run(load(Return, "id: r\ntype: io.kestra.plugin.core.debug.Return"), ctx) == {"value": None}


def test_output_values_renders_nested_values(ctx, load, run):
    task = load(
        OutputValues,
        """
        id: output_values
        type: io.kestra.plugin.core.output.OutputValues
        values:
          greeting: "hi {{ inputs.name }}"
          count: 3
          nested:
            list: ["{{ flow.id }}", 2]
            flag: true
        """,
    )
    assert run(task, ctx) == {
        "values": {"greeting": "hi ada", "count": 3, "nested": {"list": ["test_flow", 2], "flag": True}}
    }


def test_output_values_from_a_template_of_the_whole_map(load, run, tmp_path):
    ctx = FakeRunContext({"outputs": {"a": {"vars": {"x": 1}}}}, work_root=tmp_path)
    task = load(OutputValues, "id: o\ntype: io.kestra.plugin.core.output.OutputValues\nvalues: '{{ outputs.a.vars }}'")
    assert run(task, ctx) == {"values": {"x": 1}}
    assert run(load(OutputValues, "id: o\ntype: io.kestra.plugin.core.output.OutputValues"), ctx) == {"values": {}}


def test_fail_without_condition_fails_with_the_message(ctx, load, run):
    with pytest.raises(TaskFailed, match="^Task failure$"):
        run(load(Fail, "id: fail\ntype: io.kestra.plugin.core.execution.Fail"), ctx)
    task = load(Fail, "id: fail\ntype: io.kestra.plugin.core.execution.Fail\nerrorMessage: 'bad {{ inputs.name }}'")
    with pytest.raises(TaskFailed, match="^bad ada$"):
        run(task, ctx)


def test_fail_on_a_true_condition_logs_the_message(ctx, load, run):
    task = load(
        Fail,
        """
        id: fail
        type: io.kestra.plugin.core.execution.Fail
        condition: "{{ inputs.param == 'fail' }}"
        errorMessage: "Failing on purpose: {{ inputs.param }}"
        """,
    )
    with pytest.raises(TaskFailed, match="Fail on a condition"):
        run(task, ctx)
    assert ctx.log_lines == [("ERROR", "Failing on purpose: fail")]


@pytest.mark.parametrize("condition", ["\"{{ inputs.param == 'other' }}\"", "false", "0", "-0", "''"])
def test_fail_on_a_false_condition_succeeds(ctx, load, run, condition):
    task = load(Fail, f"id: fail\ntype: io.kestra.plugin.core.execution.Fail\ncondition: {condition}")
    assert run(task, ctx) is None
    assert ctx.log_lines == []


def test_fail_on_a_literal_true_condition(ctx, load, run):
    with pytest.raises(TaskFailed):
        run(load(Fail, "id: fail\ntype: io.kestra.plugin.core.execution.Fail\ncondition: true"), ctx)


def test_sleep_waits_for_the_duration(ctx, load, run):
    task = load(Sleep, "id: sleep\ntype: io.kestra.plugin.core.flow.Sleep\nduration: PT0.05S")
    start = time.monotonic()
    assert run(task, ctx) is None
    assert time.monotonic() - start >= 0.05
    assert ctx.log_lines == [("INFO", "Waiting for PT0.05S")]


def test_sleep_duration_from_a_template(ctx, load, run):
    task = load(Sleep, "id: sleep\ntype: io.kestra.plugin.core.flow.Sleep\nduration: '{{ inputs.nap }}'")
    run(task, ctx)
    assert ctx.log_lines == [("INFO", "Waiting for PT0.05S")]
    bad = load(Sleep, "id: sleep\ntype: io.kestra.plugin.core.flow.Sleep\nduration: '{{ inputs.name }}'")
    with pytest.raises(TaskFailed, match="duration"):
        run(bad, ctx)


def test_sleep_is_cancellable(ctx, load):
    task = load(Sleep, "id: sleep\ntype: io.kestra.plugin.core.flow.Sleep\nduration: PT1M")
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        asyncio.run(asyncio.wait_for(task.run(ctx), 0.05))
    assert time.monotonic() - start < 5
