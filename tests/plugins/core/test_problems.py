"""The semantic checks of the core types, with Kestra's messages, at the place of the offending element."""

from __future__ import annotations

import textwrap

import pytest

from choreo.model.plugin import Problem, ValidationScope

SCOPE = ValidationScope(flow_id="my-flow", namespace="company.team")


def problems(task, scope: ValidationScope = SCOPE) -> list[Problem]:
    return list(task.problems(scope))


def errors(loader, text: str) -> list[str]:
    result = loader.validate(textwrap.dedent(text), "flow.yaml")
    return [str(v) for v in result.errors]


def warnings(loader, text: str) -> list[str]:
    result = loader.validate(textwrap.dedent(text), "flow.yaml")
    return [str(v) for v in result.warnings]


def dag(nodes: list[tuple[str, list[str] | None]]) -> str:
    lines = ["id: dag", "type: io.kestra.plugin.core.flow.Dag", "tasks:"]
    for task_id, depends_on in nodes:
        lines.append(f"  - task: {{id: {task_id}, type: io.kestra.plugin.core.log.Log, message: hi}}")
        if depends_on is not None:
            lines.append(f"    dependsOn: [{', '.join(depends_on)}]")
    return "\n".join(lines)


# Dag


def test_dag_without_problem(build):
    assert problems(build(dag([("a", None), ("b", ["a"]), ("c", ["a", "b"])]))) == []


def test_dag_unknown_dependency(build):
    task = build(dag([("task1", None), ("task2", ["taskX"]), ("task3", ["task2", "taskY", "taskX"])]))
    assert problems(task) == [
        Problem(("tasks", 1, "dependsOn"), "dag: Not existing task id in dependency: taskX, taskY")
    ]


def test_dag_cycle_lists_the_tasks_on_it_in_declaration_order(build):
    task = build(
        dag([("task1", ["task2"]), ("task2", ["task1"]), ("task3", ["task2"]), ("task4", ["task2"]),
             ("task5", ["task4", "task3"])])
    )  # fmt: skip
    assert problems(task) == [Problem(("tasks", 0, "dependsOn"), "dag: Cyclic dependency detected: task1, task2")]


def test_dag_longer_cycles_and_self_dependencies(build):
    task = build(dag([("a", None), ("b", ["d"]), ("c", ["b"]), ("d", ["c"]), ("e", ["e"]), ("f", ["a", "e"])]))
    assert problems(task) == [Problem(("tasks", 1, "dependsOn"), "dag: Cyclic dependency detected: b, c, d, e")]


def test_dag_unknown_dependencies_are_reported_before_cycles(build):
    task = build(dag([("a", ["b"]), ("b", ["a", "zz"])]))
    assert [p.message for p in problems(task)] == ["dag: Not existing task id in dependency: zz"]


def test_dag_cycle_check_is_iterative(build):
    size = 5000
    chain = [("t0", [f"t{size - 1}"])] + [(f"t{i}", [f"t{i - 1}"]) for i in range(1, size)]
    found = problems(build(dag(chain)))
    assert len(found) == 1 and found[0].message.startswith("dag: Cyclic dependency detected: t0, t1, t2")


def test_dag_errors_in_a_flow_point_at_the_dependency(loader):
    text = """\
        id: dag-notexist-task
        namespace: io.kestra.tests
        tasks:
          - id: dag
            type: io.kestra.plugin.core.flow.Dag
            tasks:
              - task: {id: task1, type: io.kestra.plugin.core.log.Log, message: "1"}
                dependsOn:
                  - taskX
        """
    assert errors(loader, text) == ["flow.yaml:9:11: tasks[0].tasks[0].dependsOn: dag: Not existing task id in "
                                    "dependency: taskX"]  # fmt: skip


# Switch


@pytest.mark.parametrize("cases_and_defaults", ["cases: {}\ndefaults: null", "cases: {}", "defaults: []", ""])
def test_switch_without_any_task(build, cases_and_defaults):
    task = build(f"id: impossible\ntype: io.kestra.plugin.core.flow.Switch\nvalue: x\n{cases_and_defaults}")
    assert problems(task) == [Problem((), "impossible: No task defined, neither cases or default have any tasks")]


def test_switch_with_only_defaults_or_only_cases(build):
    only_defaults = "defaults: [{id: d, type: io.kestra.plugin.core.debug.Return}]"
    only_cases = "cases: {A: [{id: a, type: io.kestra.plugin.core.debug.Return}]}"
    for part in (only_defaults, only_cases):
        assert problems(build(f"id: s\ntype: io.kestra.plugin.core.flow.Switch\nvalue: x\n{part}")) == []


# WorkingDirectory


def test_working_directory_without_tasks(build):
    absent = build("id: impossible\ntype: io.kestra.plugin.core.flow.WorkingDirectory")
    empty = build("id: impossible\ntype: io.kestra.plugin.core.flow.WorkingDirectory\ntasks: []")
    message = "impossible: The 'tasks' property cannot be empty"
    assert problems(absent) == [Problem((), message)]
    assert problems(empty) == [Problem(("tasks",), message)]


def test_working_directory_takes_only_runnable_children(build):
    task = build(
        """
        id: impossible
        type: io.kestra.plugin.core.flow.WorkingDirectory
        tasks:
          - {id: log, type: io.kestra.plugin.core.log.Log, message: Hello World}
          - id: pause
            type: io.kestra.plugin.core.flow.Pause
            delay: PT5S
          - {id: sub, type: io.kestra.plugin.core.flow.Subflow, namespace: n, flowId: f}
        """
    )
    assert problems(task) == [
        Problem(("tasks", 1), "impossible: Only runnable tasks are allowed as children of a WorkingDirectory task")
    ]


def test_working_directory_children_take_no_worker_group(build):
    task = build(
        """
        id: wd
        type: io.kestra.plugin.core.flow.WorkingDirectory
        tasks:
          - {id: log, type: io.kestra.plugin.core.log.Log, message: hi, workerGroup: {key: gpu}}
        """
    )
    found = problems(task, ValidationScope(worker_groups=frozenset({"gpu"})))
    assert found == [
        Problem(
            ("tasks", 0, "workerGroup"),
            "wd: Cannot set a Worker Group in any WorkingDirectory sub-tasks, it is only supported at the "
            "WorkingDirectory level",
        )
    ]


def test_working_directory_errors_in_a_flow(loader):
    text = """\
        id: workingdirectory-impossible
        namespace: io.kestra.tests
        tasks:
          - id: impossible
            type: io.kestra.plugin.core.flow.WorkingDirectory
          - id: other
            type: io.kestra.plugin.core.flow.WorkingDirectory
            tasks:
              - id: pause
                type: io.kestra.plugin.core.flow.Pause
        """
    assert errors(loader, text) == [
        "flow.yaml:4:5: tasks[0]: impossible: The 'tasks' property cannot be empty",
        "flow.yaml:9:9: tasks[1].tasks[0]: other: Only runnable tasks are allowed as children of a WorkingDirectory "
        "task",
    ]


# Subflow and ForEachItem


def test_subflow_calling_its_own_flow(build):
    task = build("id: again\ntype: io.kestra.plugin.core.flow.Subflow\nnamespace: company.team\nflowId: my-flow")
    assert problems(task) == [Problem((), "Invalid Flow: Recursive call to flow [company.team.my-flow]")]


@pytest.mark.parametrize(
    "namespace,flow_id",
    [("company.team", "other"), ("company", "my-flow"), ("{{ flow.namespace }}", "{{ flow.id }}")],
)
def test_subflow_calling_another_flow_or_a_template(build, namespace, flow_id):
    task = build(f"id: s\ntype: io.kestra.plugin.core.flow.Subflow\nnamespace: '{namespace}'\nflowId: '{flow_id}'")
    assert problems(task) == []


def test_for_each_item_calling_its_own_flow(build):
    task = build(
        "id: each\ntype: io.kestra.plugin.core.flow.ForEachItem\nitems: '{{ inputs.file }}'\n"
        "namespace: company.team\nflowId: my-flow"
    )
    assert problems(task) == [Problem((), "Invalid Flow: Recursive call to flow [company.team.my-flow]")]


def test_recursive_subflow_in_a_flow(loader):
    text = """\
        id: recursive-flow
        namespace: io.kestra.tests

        tasks:
          - id: taskInvalid
            type: io.kestra.plugin.core.flow.Subflow
            flowId: recursive-flow
            namespace: io.kestra.tests
        """
    assert errors(loader, text) == [
        "flow.yaml:5:5: tasks[0]: Invalid Flow: Recursive call to flow [io.kestra.tests.recursive-flow]"
    ]


def test_child_executions_take_no_system_label(build):
    task = build(
        "id: s\ntype: io.kestra.plugin.core.flow.Subflow\nnamespace: n\nflowId: f\nlabels: {system.app: x, team: y}"
    )
    assert problems(task) == [
        Problem(("labels",), "System labels can only be set by Kestra itself, offending label: system.app=x")
    ]


# Loops and deprecated properties


def test_loop_intervals_must_be_positive(build):
    task = build(
        "id: l\ntype: io.kestra.plugin.core.flow.LoopUntil\ncondition: 'true'\n"
        "checkFrequency: {interval: PT0S, maxDuration: '{{ inputs.max }}'}\n"
        "tasks: [{id: r, type: io.kestra.plugin.core.debug.Return}]"
    )
    assert problems(task) == [Problem(("checkFrequency", "interval"), "must be a positive duration")]


def test_deprecated_properties_are_warnings(loader):
    text = """\
        id: legacy
        namespace: company.team
        tasks:
          - id: pause
            type: io.kestra.plugin.core.flow.Pause
            delay: PT1S
          - id: sub
            type: io.kestra.plugin.core.flow.Subflow
            namespace: company.team
            flowId: child
            outputs:
              value: "{{ outputs.t.value }}"
          - id: request
            type: io.kestra.plugin.core.http.Request
            uri: https://example.com
            allowFailed: true
        """
    assert errors(loader, text) == []
    assert warnings(loader, text) == [
        "flow.yaml:6:12: warning: tasks[0].delay: 'delay' is deprecated: use pauseDuration instead",
        "flow.yaml:12:7: warning: tasks[1].outputs: 'outputs' is deprecated: declare the outputs on the subflow itself",
        "flow.yaml:16:18: warning: tasks[2].allowFailed: 'allowFailed' is deprecated: use options.allowFailed",
    ]
