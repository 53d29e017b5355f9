"""Printing rules: what `{{ value }}` writes, matching Kestra's Pebble output writer."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from choreo.errors import UndefinedVariable
from choreo.expr.printing import java_double, to_json, to_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "true"),
        (False, "false"),
        (None, ""),
        (42, "42"),
        (-7, "-7"),
        (2.0, "2.0"),
        (42.42, "42.42"),
        (0.001, "0.001"),
        (1e7, "1.0E7"),
        (1.5e-4, "1.5E-4"),
        (12345678.9, "1.23456789E7"),
        ("raw <b>&</b>", "raw <b>&</b>"),
        ({"a": "b"}, '{"a":"b"}'),
        ([1, 2, 3], "[1,2,3]"),
        ({"k": [True, None, 1.5]}, '{"k":[true,null,1.5]}'),
        ((1, 2), "[1,2]"),
        ({"é": "ü"}, '{"é":"ü"}'),
        (Decimal("1.50"), "1.50"),
    ],
)
def test_values_print_like_pebble(render, value, expected):
    assert render("{{ v }}", v=value) == expected


def test_dates_and_durations_print_as_iso(render):
    moment = datetime(2024, 1, 31, 10, 0, 5, tzinfo=UTC)
    assert render("{{ v }}", v=moment) == "2024-01-31T10:00:05Z"
    assert render("{{ v }}", v=moment.replace(microsecond=123000)) == "2024-01-31T10:00:05.123Z"
    assert render("{{ v }}", v=moment.replace(microsecond=123456)) == "2024-01-31T10:00:05.123456Z"
    assert render("{{ v }}", v=moment.astimezone(timezone(timedelta(hours=2)))) == "2024-01-31T12:00:05+02:00"
    assert render("{{ v }}", v=datetime(2024, 1, 31, 10, 0)) == "2024-01-31T10:00:00"
    assert render("{{ v }}", v=date(2019, 10, 6)) == "2019-10-06"
    assert render("{{ v }}", v=time(18, 27, 49)) == "18:27:49"
    assert render("{{ v }}", v=timedelta(minutes=5, seconds=6)) == "PT5M6S"


def test_dates_inside_json_are_iso_strings(render):
    value = {"at": datetime(2024, 1, 1, tzinfo=UTC), "day": date(2024, 1, 2), "wait": timedelta(hours=1)}
    assert render("{{ v }}", v=value) == '{"at":"2024-01-01T00:00:00Z","day":"2024-01-02","wait":"PT1H"}'


def test_none_prints_empty_but_null_inside_json(render):
    assert render("[{{ v }}]", v=None) == "[]"
    assert render("{{ v }}", v=[None]) == "[null]"


def test_java_double_special_values():
    assert java_double(float("nan")) == "NaN"
    assert java_double(float("inf")) == "Infinity"
    assert java_double(float("-inf")) == "-Infinity"
    assert java_double(-0.0) == "-0.0"
    assert java_double(0.0) == "0.0"
    assert java_double(1e21) == "1.0E21"


def test_json_encodes_sets_and_non_string_keys():
    assert to_json({1: {3}}) == '{"1":[3]}'
    assert to_json({"b": b"hi"}) == '{"b":"aGk="}'


def test_to_text_rejects_undefined(engine):
    undefined = engine._env.undefined(name="gone")
    with pytest.raises(UndefinedVariable):
        to_text(undefined)


def test_strings_are_not_escaped(render):
    assert render("{{ v }}", v="<script>'\"&") == "<script>'\"&"


def test_trailing_newline_is_kept(render):
    assert render("{{ v }}\n", v="x") == "x\n"
    assert render("line\n\n") == "line\n\n"


def test_concat_operator_prints_pebble_style(render):
    assert render("{{ 'a' ~ true ~ null ~ 2.0 ~ [1] }}") == "atrue2.0[1]"
