from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from choreo.model.yaml_source import YamlInvalid, parse_yaml


def problems(text: str, **limits: int) -> list[tuple[str, int | None, int | None]]:
    with pytest.raises(YamlInvalid) as caught:
        parse_yaml(text, **limits)
    return [(p.message, p.line, p.column) for p in caught.value.problems]


def test_values_and_keys_have_their_positions():
    doc = parse_yaml("id: a\ntasks:\n  - id: t\n    type: x\n    message: |\n      hi\n")
    assert doc.data == {"id": "a", "tasks": [{"id": "t", "type": "x", "message": "hi\n"}]}
    assert doc.values[("tasks", 0, "type")].line == 4
    assert doc.values[("tasks", 0, "type")].column == 11
    assert doc.keys[("tasks", 0, "type")].column == 5
    assert doc.values[("tasks", 0, "message")].block is True


def test_missing_paths_fall_back_to_the_nearest_ancestor():
    doc = parse_yaml("tasks:\n  - id: t\n")
    assert doc.position(("tasks", 0, "type")) == doc.values[("tasks", 0)]


def test_scalars_follow_yaml_1_2_core_schema_like_kestra():
    doc = parse_yaml("a: on\nb: no\nc: yes\nd: 2024-01-01\ne: 010\nf: 1.5\ng: ~\nh: True\ni: '3'\nj: .inf\nk: 0x10\n")
    assert doc.data == {
        "a": "on",
        "b": "no",
        "c": "yes",
        "d": "2024-01-01",
        "e": 10,
        "f": 1.5,
        "g": None,
        "h": True,
        "i": "3",
        "j": math.inf,
        "k": 16,
    }


def test_duplicate_keys_are_rejected_with_both_lines():
    assert problems("a: 1\nb: 2\na: 3\n") == [("Duplicate field 'a' (first defined at line 1)", 3, 1)]


@pytest.mark.parametrize(
    "text",
    ["a: !!python/object/apply:os.system ['echo x']", "a: !!python/name:os.system", "a: !custom 1", "!!set {a: 1}"],
)
def test_object_building_tags_are_rejected(text):
    (message, line, _), *_ = problems(text)
    assert "is not allowed" in message and line == 1


def test_alias_bomb_is_bounded():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    (message, _, _), *_ = problems("\n".join(lines))
    assert "nodes once aliases are expanded" in message


def test_deep_nesting_and_size_are_bounded():
    assert "nest" in problems("[" * 10_000 + "]" * 10_000)[0][0]  # libyaml's own bound on flow style
    block = "".join("  " * depth + "- \n" for depth in range(300))
    assert "nested deeper than 200 levels" in problems("a:\n" + block.replace("- \n", "-\n"))[0][0]
    assert "the limit is 100" in problems("a: " + "x" * 200, max_bytes=100)[0][0]


def test_syntax_errors_have_a_position():
    ((message, line, column),) = problems("a: 1\n  b: 2\n")
    assert message.startswith("invalid YAML") and line == 2 and column is not None


def test_several_documents_are_rejected():
    assert problems("a: 1\n---\nb: 2\n")[0][0] == "expected a single YAML document, found several"


def test_aliases_to_scalars_and_maps_work():
    doc = parse_yaml("base: &b {x: 1}\nother: *b\nname: &n hi\ncopy: *n\n")
    assert doc.data["other"] == {"x": 1} and doc.data["copy"] == "hi"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:- \n\t[]{}&*!|>'\"#%@`,?~.0123456789")), max_size=120))
def test_any_text_gives_a_document_or_a_positioned_error(text):
    try:
        parse_yaml(text)
    except YamlInvalid as exc:
        assert exc.problems and all(p.message for p in exc.problems)
