"""Kestra's own test flows: every runnable one validates, every invalid one is rejected for the reason Kestra gives,
at the line of the offending element.

Kestra's messages and ours differ in wording in a few places (ours carry a suggestion or the place); `_SAME_REASON`
maps Kestra's wording to ours. Every other expected message must appear word for word.
"""

from __future__ import annotations

import re

import pytest

from corpus_support import compat_dir, expectation

CORPUS = compat_dir()
RUNNABLE = sorted(p for p in (CORPUS / "flows").glob("*.y*ml"))
INVALID = sorted((CORPUS / "flows" / "invalids").glob("*.y*ml"))

#: The line of the first error, read off each file: where the offending element is.
FIRST_ERROR_LINE = {
    "dag-cyclicdependency.yaml": 13,  # task1 dependsOn task2, which depends on task1
    "dag-notexist-task.yaml": 17,  # - taskX
    "duplicate-inputs.yaml": 8,  # the second `- id: first_input`
    "duplicate-key.yaml": 10,  # the second `variables.tf:`
    "duplicate-parallel.yaml": 38,  # the nested `- id: t3`
    "duplicate.yaml": 21,  # the first repeated task id (`date` inside `seq`)
    "empty.yaml": 1,  # no tasks at all
    "inputs-bad-type.yaml": 4,  # type: FOO
    "inputs-bad-validator-syntax.yaml": 6,  # validator: \
    "inputs-validation.yaml": 7,  # defaults on a FILE input
    "inputs.yaml": 4,  # an input without type
    "invalid-parallel.yaml": 1,  # id: ""
    "invalid-property.yaml": 7,  # invalid: …
    "invalid-task.yaml": 7,  # MissingOne
    "invalid.yaml": 1,  # id: my#flow
    "listener.yaml": 7,  # tasks: []
    "recursive-flow.yaml": 5,  # the Subflow task
    "switch-invalid.yaml": 9,  # the Switch task
    "system-labels.yaml": 5,  # the labels
    "worker-group.yaml": 9,  # workerGroup.key
    "workingdirectory-invalid.yaml": 11,  # the Pause task inside WorkingDirectory
    "workingdirectory-no-tasks.yaml": 5,  # the WorkingDirectory task
}

_SAME_REASON = [
    (re.compile(r"^Invalid type: (io\.kestra\.\S+)$"), lambda m: f"unknown type '{m[1]}'"),
    (re.compile(r"^Invalid type: null$"), lambda m: "missing required property 'type'"),
    (re.compile(r"missing type id property 'type'"), lambda m: "missing required property 'type'"),
    (
        re.compile(r'^Unrecognized field "(\w+)" \(class ([\w.]+)\)'),
        lambda m: f"unknown property '{m[1]}' for {m[2]}",
    ),
    (re.compile(r"Worker Group is an Enterprise Edition functionality"), lambda m: "unknown worker group 'toto'"),
]


def ours(expected: str) -> str:
    for pattern, replace in _SAME_REASON:
        match = pattern.search(expected.strip())
        if match:
            return replace(match)
    return expected.strip()


def _matcher_text(value: object) -> str:
    return value["$contains"] if isinstance(value, dict) else str(value)


@pytest.mark.parametrize("path", RUNNABLE, ids=lambda p: p.name)
def test_runnable_flow_validates(choreo, path):
    result = choreo.flows.validate(path.read_text(encoding="utf-8"), str(path))
    assert result.errors == [], "\n".join(map(str, result.errors))
    entry = expectation(path.name)
    assert (result.flow.namespace, result.flow.id) == (entry["namespace"], entry["id"])


def test_the_whole_corpus_is_covered():
    assert len(RUNNABLE) == 176 and len(INVALID) == 22


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_flow_is_rejected_for_kestras_reason(choreo, path):
    result = choreo.flows.validate(path.read_text(encoding="utf-8"), str(path))
    assert result.flow is None and result.errors
    rendered = [f"{v.path}: {v.message}" for v in result.errors]
    report = "\n".join(map(str, result.errors))

    validation = expectation(f"invalids/{path.name}")["expected"].get("validation", {})
    for expected in validation.get("messageContains", []):
        assert any(ours(expected) in line for line in rendered), f"{expected!r} not in:\n{report}"
    for expected in validation.get("messageEquals", []):
        wanted = ours(expected)
        assert any(v.message == wanted or wanted in v.message for v in result.errors), f"{expected!r}:\n{report}"
    for text, count in validation.get("countMessagesContaining", {}).items():
        assert sum(ours(text) in line for line in rendered) == count, report
    one_of = [ours(_matcher_text(m)) for m in validation.get("eachMessageOneOf", [])]
    if one_of:
        assert all(any(o in line for o in one_of) for line in rendered), report

    assert all(v.line is not None for v in result.errors), report
    assert result.errors[0].line == FIRST_ERROR_LINE[path.name], report
