"""Old-style search parameters (Kestra's pre-1.0 API and its UI) mean what they meant: repeated values are any of
them, dates are bounds."""

from __future__ import annotations

import pytest
from starlette.datastructures import QueryParams

from choreo.api.errors import ApiError
from choreo.api.filters import parse

LEGACY = {
    "state": "state",
    "labels": "labels",
    "startDate": ("startDate", "GREATER_THAN_OR_EQUAL_TO"),
    "endDate": ("endDate", "LESS_THAN_OR_EQUAL_TO"),
}


def test_a_repeated_state_means_any_of_them():
    filters = parse(QueryParams("state=FAILED&state=KILLED"), legacy=LEGACY)
    assert filters.values("state") == ["FAILED", "KILLED"]
    assert parse(QueryParams("state=FAILED"), legacy=LEGACY).values("state") == ["FAILED"]


def test_repeated_labels_are_all_kept():
    assert parse(QueryParams("labels=a:1&labels=b:2"), legacy=LEGACY).value("labels") == ["a:1", "b:2"]


def test_dates_are_bounds():
    filters = parse(QueryParams("startDate=2026-01-01T00:00:00Z&endDate=2026-02-01T00:00:00Z"), legacy=LEGACY)
    assert filters.value("startDate", "GREATER_THAN_OR_EQUAL_TO") == "2026-01-01T00:00:00Z"
    assert filters.value("endDate", "LESS_THAN_OR_EQUAL_TO") == "2026-02-01T00:00:00Z"


def test_new_style_filters_win_over_old_style_ones():
    filters = parse(QueryParams("filters[state][IN]=SUCCESS&state=FAILED"), legacy=LEGACY)
    assert filters.values("state") == ["SUCCESS"]


def test_a_repeated_bound_is_refused():
    with pytest.raises(ApiError, match="given 2 times"):
        parse(QueryParams("startDate=2026-01-01T00:00:00Z&startDate=2026-02-01T00:00:00Z"), legacy=LEGACY)
