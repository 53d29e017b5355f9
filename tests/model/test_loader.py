"""The loader: every violation at once, each at file:line:column with a property path."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from choreo.errors import FlowInvalid
from choreo.model.loader import FlowLoader
from choreo.plugins.core.flow.sequential import Sequential
from choreo.plugins.core.log.log import Log
from choreo.plugins.registry import PluginRegistry

LOADER = FlowLoader(PluginRegistry([Log, Sequential]))


def errors(text: str, loader: FlowLoader = LOADER) -> list[str]:
    return [str(v) for v in loader.validate(text, "flows/etl.yaml").errors]


def test_a_valid_flow_loads_typed():
    flow = LOADER.load(
        "id: hello\nnamespace: company.team\nlabels: {team: data}\ntasks:\n"
        "  - id: hi\n    type: io.kestra.core.tasks.log.Log\n    message: hello\n    timeout: PT5M\n"
    )
    task = flow.tasks[0]
    assert isinstance(task, Log) and task.type == "io.kestra.plugin.core.log.Log"  # alias read, canonical kept
    assert task.timeout.total_seconds() == 300
    assert flow.labels[0].key == "team"


def test_unknown_type_points_at_the_line_and_suggests():
    text = (
        "id: etl\nnamespace: company.team\ntasks:\n"
        + "".join(f"  - id: t{i}\n    type: io.kestra.plugin.core.log.Log\n    message: x\n" for i in range(2))
        + "  - id: t2\n    type: io.kestra.plugin.core.log.Lgo\n    message: x\n"
    )
    assert errors(text) == [
        "flows/etl.yaml:11:11: tasks[2].type: unknown type 'io.kestra.plugin.core.log.Lgo' "
        "(did you mean 'io.kestra.plugin.core.log.Log'?)"
    ]


def test_every_error_is_reported_at_once_in_document_order():
    text = """id: my#flow
namespace: io.kestra.tests
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    mesage: hi
  - id: seq
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: a
        type: io.kestra.plugin.core.log.Log
        message: hi
        level: LOUD
        timeout: 5 minutes
  - type: io.kestra.plugin.core.log.Log
    message: no id
"""
    assert errors(text) == [
        "flows/etl.yaml:1:5: id: must match \"^[a-zA-Z0-9][a-zA-Z0-9._-]*$\", got 'my#flow'",
        "flows/etl.yaml:4:5: tasks[0].message: missing required property",
        "flows/etl.yaml:6:5: tasks[0].mesage: unknown property 'mesage' for io.kestra.plugin.core.log.Log "
        "(did you mean 'message'?)",
        "flows/etl.yaml:10:13: tasks[1].tasks[0].id: Duplicate task id with name [a]",
        "flows/etl.yaml:13:16: tasks[1].tasks[0].level: must be one of TRACE, DEBUG, INFO, WARN or ERROR, got 'LOUD'",
        "flows/etl.yaml:14:18: tasks[1].tasks[0].timeout: expected an ISO-8601 duration such as PT30S, PT5M or "
        "P1D, got '5 minutes'",
        "flows/etl.yaml:15:5: tasks[2].id: missing required property",
    ]


def test_load_raises_flow_invalid_with_every_violation():
    with pytest.raises(FlowInvalid) as caught:
        LOADER.load("id: x\nnamespace: n\ntasks: []\n", "f.yaml")
    assert [str(v) for v in caught.value.errors] == ["f.yaml:3:8: tasks: must not be empty"]


def test_unknown_top_level_property_is_suggested():
    assert errors(
        "id: x\nnamespace: n\ntaks: []\ntasks:\n  - {id: a, type: io.kestra.plugin.core.log.Log, message: m}\n"
    ) == ["flows/etl.yaml:3:1: taks: unknown property 'taks' of a flow (did you mean 'tasks'?)"]


def test_plugin_defaults_fill_missing_properties_and_forced_ones_win():
    flow = LOADER.load(
        """id: x
namespace: n
pluginDefaults:
  - type: io.kestra.plugin.core.log
    values: {message: from defaults, level: DEBUG}
  - type: io.kestra.plugin.core.log.Log
    forced: true
    values: {level: ERROR}
tasks:
  - {id: a, type: io.kestra.plugin.core.log.Log}
  - {id: b, type: io.kestra.plugin.core.log.Log, message: mine, level: INFO}
"""
    )
    assert [(t.message, t.level) for t in flow.tasks] == [("from defaults", "ERROR"), ("mine", "ERROR")]


def test_an_unknown_property_in_defaults_is_a_warning_not_an_error():
    result = LOADER.validate(
        "id: x\nnamespace: n\ntaskDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    values:\n"
        "      invalid: 1\ntasks:\n  - {id: a, type: io.kestra.plugin.core.log.Log, message: m}\n"
    )
    assert result.ok
    assert [v.path for v in result.warnings] == ["taskDefaults", "taskDefaults[0].values.invalid"]


def test_worker_groups_must_be_declared():
    text = (
        "id: x\nnamespace: n\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: m\n"
        "    workerGroup:\n      key: gpu\n"
    )
    assert errors(text) == [
        "flows/etl.yaml:8:7: tasks[0].workerGroup: unknown worker group 'gpu' (declared worker groups: none is "
        "declared); declare it in the configuration (worker_groups) before using it"
    ]
    declared = FlowLoader(PluginRegistry([Log, Sequential]), worker_groups=frozenset({"gpu"}))
    assert errors(text, declared) == []


def _check(template: str) -> None:
    from choreo.errors import ExpressionError, SecurityViolation

    if "include" in template:
        raise SecurityViolation("the 'include' tag is not allowed", line=1)
    if "{{ oops" in template:
        line = template[: template.index("{{ oops")].count("\n") + 1
        raise ExpressionError("unexpected end of template", line=line)


def test_template_syntax_errors_are_warnings_at_the_template_line():
    # Kestra saves such a flow and fails the task when it renders: we accept it too, and say where it will break.
    loader = FlowLoader(PluginRegistry([Log, Sequential]), check_template=_check)
    text = (
        "id: x\nnamespace: n\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: |\n      fine\n      {{ oops\n"
    )
    result = loader.validate(text, "flows/etl.yaml")
    assert result.ok
    assert [str(v) for v in result.warnings] == [
        "flows/etl.yaml:8:1: warning: tasks[0].message: invalid expression, the task will fail when it runs: "
        "unexpected end of template"
    ]


def test_forbidden_template_constructs_reject_the_flow():
    loader = FlowLoader(PluginRegistry([Log, Sequential]), check_template=_check)
    text = (
        "id: x\nnamespace: n\ntasks:\n"
        "  - {id: a, type: io.kestra.plugin.core.log.Log, message: \"{% include 'x' %}\"}\n"
    )
    assert errors(text, loader) == [
        "flows/etl.yaml:4:59: tasks[0].message: forbidden expression: the 'include' tag is not allowed"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a flow must be a mapping with `id`, `namespace` and `tasks`, got nothing"),
        ("- a\n- b\n", "a flow must be a mapping with `id`, `namespace` and `tasks`, got a list"),
        ("id: x\nid: y\n", "Duplicate field 'id' (first defined at line 1)"),
        (
            "id: !!python/object/apply:os.system ['id']\n",
            "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        ),
    ],
)
def test_documents_that_are_not_flows(text, message):
    result = LOADER.validate(text, "f.yaml")
    assert result.flow is None and [v.message for v in result.errors] == [message]


_FRAGMENTS = [
    "id: x\n",
    "namespace: n\n",
    "tasks:\n",
    "  - id: a\n",
    "    type: io.kestra.plugin.core.log.Log\n",
    "    message: hi\n",
    "  -\n",
    "    tasks: [\n",
    "{",
    "}",
    ": ",
    "- ",
    "&a ",
    "*a",
    "!!str ",
    "'",
    '"',
    "\t",
    "    retry: {type: constant, interval: PT1S}\n",
    "inputs:\n  - {id: i, type: INT, min: x}\n",
    "labels: [1]\n",
    "triggers: 3\n",
    "    level: WARN\n",
    "\n",
    "  ",
    "#",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=14))
def test_malformed_documents_only_ever_give_positioned_violations(parts):
    result = LOADER.validate("".join(parts), "f.yaml")
    if result.flow is None:
        assert result.errors, "a rejected flow names at least one reason"
        assert all(v.line is not None and v.message for v in result.errors)
