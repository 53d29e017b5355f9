"""The flow-control types read Kestra's YAML: children typed, defaults as Kestra's, templates kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from choreo.plugins.core.debug.return_ import Return
from choreo.plugins.core.flow.dag import Dag, OnChildFailure
from choreo.plugins.core.flow.for_each_item import ForEachItem
from choreo.plugins.core.flow.if_ import If
from choreo.plugins.core.flow.loop_until import LoopUntil
from choreo.plugins.core.flow.pause import Pause, PauseBehavior
from choreo.plugins.core.flow.subflow import Subflow
from choreo.plugins.core.flow.wait_for import WaitFor
from choreo.plugins.core.flow.working_directory import WorkingDirectory
from choreo.plugins.core.log.log import Log
from choreo.plugins.core.parts import RestartBehavior


def test_sequential(build):
    task = build(
        """
        id: group
        type: io.kestra.core.tasks.flows.Sequential
        tasks:
          - {id: first, type: io.kestra.plugin.core.log.Log, message: one}
        errors:
          - {id: on_error, type: io.kestra.plugin.core.log.Log, message: failed}
        finally:
          - {id: cleanup, type: io.kestra.plugin.core.debug.Return, format: done}
        """
    )
    assert isinstance(task.tasks[0], Log) and isinstance(task.finally_[0], Return)
    assert task.model_dump(by_alias=True)["finally"][0]["id"] == "cleanup"


def test_parallel(build):
    task = build(
        """
        id: parallel
        type: io.kestra.plugin.core.flow.Parallel
        concurrent: 2
        tasks:
          - {id: a, type: io.kestra.plugin.core.debug.Return, format: "{{ task.id }}"}
          - {id: b, type: io.kestra.plugin.core.debug.Return, format: "{{ task.id }}"}
        """
    )
    assert task.concurrent == 2 and task.fail_fast is False and len(task.tasks) == 2


def test_parallel_rejects_a_negative_limit_and_no_tasks(build):
    with pytest.raises(ValidationError, match="concurrent"):
        build("id: p\ntype: io.kestra.plugin.core.flow.Parallel\nconcurrent: -1\ntasks: [{id: a, type: "
              "io.kestra.plugin.core.debug.Return}]")  # fmt: skip
    with pytest.raises(ValidationError, match="tasks"):
        build("id: p\ntype: io.kestra.plugin.core.flow.Parallel\ntasks: []")


def test_if(build):
    task = build(
        """
        id: if
        type: io.kestra.plugin.core.flow.If
        condition: "{{ inputs.string == 'Condition' }}"
        then:
          - {id: when_true, type: io.kestra.plugin.core.log.Log, message: it is}
        else:
          - {id: when_false, type: io.kestra.plugin.core.log.Log, message: it is not}
        """
    )
    assert isinstance(task, If) and task.else_[0].id == "when_false"
    assert build("id: i\ntype: io.kestra.plugin.core.flow.If\ncondition: true\nthen: [{id: a, type: "
                 "io.kestra.plugin.core.debug.Return}]").condition == "true"  # fmt: skip


def test_switch(build):
    task = build(
        """
        id: switch
        type: io.kestra.plugin.core.flow.Switch
        value: "{{ inputs.string }}"
        cases:
          FIRST:
            - {id: first, type: io.kestra.plugin.core.debug.Return, format: "{{ task.id }}"}
          SECOND:
            - {id: second, type: io.kestra.plugin.core.debug.Return, format: "{{ task.id }}"}
        defaults:
          - {id: default, type: io.kestra.plugin.core.debug.Return, format: "{{ task.id }}"}
        """
    )
    assert sorted(task.cases) == ["FIRST", "SECOND"] and isinstance(task.cases["FIRST"][0], Return)


def test_for_each(build):
    task = build(
        """
        id: for_each
        type: io.kestra.plugin.core.flow.ForEach
        values: ["value 1", "value 2"]
        concurrencyLimit: 0
        tasks:
          - {id: return, type: io.kestra.plugin.core.debug.Return, format: "{{ taskrun.value }}"}
        """
    )
    assert task.values == ["value 1", "value 2"] and task.concurrency_limit == 0
    json_string = build("id: e\ntype: io.kestra.plugin.core.flow.ForEach\nvalues: '[\"a\", \"b\"]'\ntasks: "
                        "[{id: r, type: io.kestra.plugin.core.debug.Return}]")  # fmt: skip
    assert json_string.values == '["a", "b"]' and json_string.concurrency_limit == 1


def test_for_each_item(build):
    task = build(
        """
        id: each
        type: io.kestra.plugin.core.flow.ForEachItem
        items: "{{ inputs.file }}"
        batch:
          rows: "{{ inputs.batch }}"
        namespace: io.kestra.tests
        flowId: for-each-item-subflow
        wait: true
        transmitFailed: true
        inputs:
          items: "{{ taskrun.items }}"
        labels:
          team: data
        """
    )
    assert isinstance(task, ForEachItem) and task.task_kind == "executable"
    assert task.batch.rows == "{{ inputs.batch }}" and task.batch.separator == "\n"
    assert task.restart_behavior is RestartBehavior.RETRY_FAILED and task.labels[0].key == "team"
    defaults = build("id: e\ntype: io.kestra.plugin.core.flow.ForEachItem\nitems: kestra:///f\nnamespace: n\nflowId: f")
    assert defaults.batch.rows == 1 and defaults.wait and defaults.transmit_failed and not defaults.inherit_labels


def test_each_sequential_and_each_parallel(build):
    sequential = build(
        """
        id: each
        type: io.kestra.core.tasks.flows.EachSequential
        value: ["a", "b"]
        tasks:
          - {id: r, type: io.kestra.plugin.core.debug.Return, format: "{{ taskrun.value }}"}
        """
    )
    parallel = build(
        """
        id: parallel
        type: io.kestra.plugin.core.flow.EachParallel
        value: [1, 2, 3]
        concurrent: 2
        tasks:
          - {id: r2, type: io.kestra.plugin.core.debug.Return, format: "{{ taskrun.value }}"}
        """
    )
    assert sequential.value == ["a", "b"] and parallel.value == [1, 2, 3] and parallel.concurrent == 2


def test_dag(build):
    task = build(
        """
        id: dag
        type: io.kestra.plugin.core.flow.Dag
        concurrent: 3
        tasks:
          - task: {id: task1, type: io.kestra.plugin.core.log.Log, message: task 1}
          - task: {id: task2, type: io.kestra.plugin.core.log.Log, message: task 2}
            dependsOn: [task1]
        """
    )
    assert isinstance(task, Dag) and isinstance(task.tasks[1].task, Log)
    assert task.tasks[1].depends_on == ["task1"] and task.tasks[0].depends_on is None
    assert task.on_child_failure is OnChildFailure.CONTINUE


def test_dag_entries_take_no_other_property(build):
    with pytest.raises(ValidationError, match="depends"):
        build("id: d\ntype: io.kestra.plugin.core.flow.Dag\ntasks:\n  - task: {id: a, type: "
              "io.kestra.plugin.core.debug.Return}\n    depends: [b]")  # fmt: skip


def test_subflow(build):
    task = build(
        """
        id: launch
        type: io.kestra.core.tasks.flows.Flow
        namespace: "{{ inputs.namespace }}"
        flowId: "{{ inputs.flowId }}"
        revision: 2
        inputs:
          string: "{{ inputs.string }}"
        wait: true
        transmitFailed: true
        inheritLabels: true
        labels:
          launchTaskLabel: launchFoo
        scheduleDate: "2024-12-24T17:00:00+01:00"
        restartBehavior: NEW_EXECUTION
        outputs:
          extracted: "{{ outputs.default.value }}"
        """
    )
    assert isinstance(task, Subflow) and task.revision == 2 and task.inherit_labels is True
    assert task.schedule_date.isoformat() == "2024-12-24T17:00:00+01:00"
    assert task.restart_behavior is RestartBehavior.NEW_EXECUTION and task.labels[0].value == "launchFoo"
    defaults = build("id: s\ntype: io.kestra.plugin.core.flow.Subflow\nnamespace: n\nflowId: f")
    assert defaults.wait and defaults.transmit_failed and defaults.inherit_labels is False
    with pytest.raises(ValidationError, match="revision"):
        build("id: s\ntype: io.kestra.plugin.core.flow.Subflow\nnamespace: n\nflowId: f\nrevision: 0")


def test_allow_failure(build):
    task = build(
        """
        id: allow
        type: io.kestra.plugin.core.flow.AllowFailure
        tasks:
          - {id: ko, type: io.kestra.plugin.core.execution.Fail}
        errors:
          - {id: local-error, type: io.kestra.plugin.core.debug.Return, format: error}
        """
    )
    assert task.errors[0].id == "local-error"


def test_pause(build):
    task = build(
        """
        id: pause
        type: io.kestra.plugin.core.flow.Pause
        pauseDuration: PT5M
        behavior: WARN
        timeout: PT1H
        onResume:
          - id: approved
            type: BOOLEAN
            defaults: true
          - id: reason
            type: STRING
            required: false
        """
    )
    assert isinstance(task, Pause) and task.pause_duration == timedelta(minutes=5)
    assert task.behavior is PauseBehavior.WARN and task.on_resume[1]["id"] == "reason"
    legacy = build("id: p\ntype: io.kestra.plugin.core.flow.Pause\ndelay: PT1S\ntasks: [{id: a, type: "
                   "io.kestra.plugin.core.debug.Return}]")  # fmt: skip
    assert legacy.delay == timedelta(seconds=1) and legacy.behavior is PauseBehavior.RESUME


def test_working_directory(build):
    task = build(
        """
        id: wdir
        type: io.kestra.plugin.core.flow.WorkingDirectory
        inputFiles:
          input.txt: Hello World
        outputFiles:
          - "*.txt"
        namespaceFiles:
          enabled: true
          include: [scripts/**]
          folderPerNamespace: true
          namespaces: [company, company.team]
        cache:
          ttl: PT5m
          patterns: ["*.txt"]
        tasks:
          - {id: log, type: io.kestra.plugin.core.log.Log, message: hi}
        """
    )
    assert isinstance(task, WorkingDirectory) and task.cache.ttl == timedelta(minutes=5)
    assert task.namespace_files.folder_per_namespace is True and task.namespace_files.if_exists == "OVERWRITE"
    assert task.input_files == {"input.txt": "Hello World"} and task.output_files == ["*.txt"]
    with pytest.raises(ValidationError, match="patterns"):
        build("id: w\ntype: io.kestra.plugin.core.flow.WorkingDirectory\ncache: {ttl: PT1H}")


def test_sleep(build):
    assert build("id: s\ntype: io.kestra.plugin.core.flow.Sleep\nduration: PT0.1S").duration == timedelta(
        milliseconds=100
    )


def test_loop_until_and_its_former_name_wait_for(build):
    loop = build(
        """
        id: loop
        type: io.kestra.plugin.core.flow.LoopUntil
        condition: "{{ outputs.return.value == '4' }}"
        failOnMaxReached: true
        checkFrequency:
          interval: PT0.2S
          maxIterations: 3
        tasks:
          - {id: return, type: io.kestra.plugin.core.debug.Return, format: "{{ outputs.loop.iterationCount }}"}
        """
    )
    assert isinstance(loop, LoopUntil) and loop.check_frequency.max_iterations == 3
    assert loop.check_frequency.max_duration is None and loop.fail_on_max_reached is True
    bare_loop = build("id: l\ntype: io.kestra.plugin.core.flow.LoopUntil\ncondition: 'true'\ntasks: [{id: r, "
                      "type: io.kestra.plugin.core.debug.Return}]")  # fmt: skip
    assert bare_loop.check_frequency.interval == timedelta(minutes=1)
    assert bare_loop.check_frequency.max_iterations is None

    wait_for = build(
        """
        id: waitfor
        type: io.kestra.plugin.core.flow.WaitFor
        condition: "{{ outputs.output_values.values.count == '4' }}"
        tasks:
          - {id: output_values, type: io.kestra.plugin.core.output.OutputValues, values: {count: 1}}
        """
    )
    assert isinstance(wait_for, WaitFor) and isinstance(wait_for, LoopUntil)
    frequency = wait_for.check_frequency
    assert (frequency.interval, frequency.max_iterations, frequency.max_duration) == (
        timedelta(seconds=1),
        100,
        timedelta(hours=1),
    )
    partial = build("id: w\ntype: io.kestra.plugin.core.flow.WaitFor\ncondition: 'true'\ncheckFrequency: "
                    "{interval: PT0.2S}\ntasks: [{id: r, type: io.kestra.plugin.core.debug.Return}]")  # fmt: skip
    assert partial.check_frequency.max_iterations == 100 and partial.check_frequency.interval.total_seconds() == 0.2


def test_template(build):
    task = build(
        """
        id: 2-template
        type: io.kestra.plugin.core.flow.Template
        namespace: io.kestra.tests
        templateId: template
        args:
          my-forward: "{{ inputs['with-string'] }}"
          count: 3
        """
    )
    assert task.template_id == "template" and task.args == {"my-forward": "{{ inputs['with-string'] }}", "count": "3"}
