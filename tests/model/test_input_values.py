"""Reading execution inputs, checked against the facts Kestra's InputsTest asserts (corpus inputs.yaml)."""

from __future__ import annotations

import pytest
import yaml

from choreo.errors import InputInvalid
from choreo.model.input_values import read_inputs


@pytest.fixture(scope="module")
def declared(corpus):
    from pydantic import TypeAdapter

    from choreo.model.inputs import InputDeclaration

    flow = yaml.safe_load((corpus / "flows" / "inputs.yaml").read_text())
    return TypeAdapter(list[InputDeclaration]).validate_python(flow["inputs"])


@pytest.fixture(scope="module")
def case(corpus):
    entries = yaml.safe_load((corpus / "expectations.yaml").read_text())
    return next(e for e in entries if e["file"] == "inputs.yaml")


def given(case, **override):
    values = {k: v for k, v in case["inputs"].items()}
    values["file"] = "kestra:///io/kestra/tests/inputs/executions/x/inputs/file/application-test.yml"
    values.update(override)
    return {k: v for k, v in values.items() if v is not ...}


def test_typed_inputs_match_kestra(declared, case):
    typed = read_inputs(declared, given(case))
    expected = case["expected"]["typedInputs"]
    for key, value in expected.items():
        if key in ("file", "secret"):
            continue
        assert typed[key] == value, key
    assert typed["secret"] == "secret"  # encryption happens when the execution is stored, not here
    assert typed["empty"] == ""
    assert typed["optional"] is None


def test_optional_bool_omitted_is_present_and_null(declared, case):
    assert read_inputs(declared, given(case, bool=...))["bool"] is None


def test_empty_json_object(declared, case):
    assert read_inputs(declared, given(case, json="{}"))["json"] == {}


def error_cases(corpus_path):
    entries = yaml.safe_load((corpus_path / "expectations.yaml").read_text())
    entry = next(e for e in entries if e["file"] == "inputs.yaml")
    for extra in entry["extraCases"]:
        error = extra["expected"].get("inputError")
        if error and "inputsOverride" in extra and extra["inputsOverride"]:
            yield pytest.param(extra["inputsOverride"], error, id=extra["name"])


from corpus_support import compat_dir  # noqa: E402


@pytest.mark.parametrize(("override", "error"), list(error_cases(compat_dir())))
def test_bad_values_are_rejected_with_kestras_message(declared, case, override, error):
    with pytest.raises(InputInvalid) as caught:
        read_inputs(declared, given(case, **override))
    (input_id,) = override
    message = caught.value.problems[input_id]
    expected = error["$contains"] if isinstance(error, dict) else error.split(": ", 1)[1]
    assert expected in message


def test_every_wrong_input_is_reported_at_once(declared, case):
    with pytest.raises(InputInvalid) as caught:
        read_inputs(declared, given(case, int="x", validatedInt="99", instant="yesterday"))
    assert set(caught.value.problems) == {"int", "validatedInt", "instant"}
    assert "Invalid input for `int`, Expected an integer, but received `x`" == caught.value.problems["int"]


def test_select_multiselect_and_array_inputs():
    from pydantic import TypeAdapter

    from choreo.model.inputs import InputDeclaration

    declared = TypeAdapter(list[InputDeclaration]).validate_python(
        [
            {"id": "env", "type": "SELECT", "values": ["dev", "prod"]},
            {"id": "regions", "type": "MULTISELECT", "values": ["eu", "us"]},
            {"id": "ratios", "type": "ARRAY", "itemType": "FLOAT"},
            {"id": "when", "type": "DATETIME", "required": False},
            {"id": "mail", "type": "EMAIL", "defaults": "a@b.co"},
        ]
    )
    typed = read_inputs(
        declared, {"env": "prod", "regions": '["eu"]', "ratios": [1, "2.5"], "when": "2024-01-01T10:00:00+02:00"}
    )
    assert typed == {
        "env": "prod",
        "regions": ["eu"],
        "ratios": [1.0, 2.5],
        "when": "2024-01-01T08:00:00Z",
        "mail": "a@b.co",
    }
    with pytest.raises(InputInvalid) as caught:
        read_inputs(declared, {"env": "test", "regions": ["eu", "asia"], "ratios": "nope"})
    assert caught.value.problems["env"].startswith("Invalid input for `env`, it must match the values `[dev, prod]`")
    assert "regions" in caught.value.problems and "ratios" in caught.value.problems
