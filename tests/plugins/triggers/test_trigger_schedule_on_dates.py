"""io.kestra.plugin.core.trigger.ScheduleOnDates"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from choreo.plugins.core.catalog import ScheduleOnDates
from choreo.plugins.core.trigger.schedule import RecoverMissedSchedules
from plugins.triggers.trigger_helpers import problems, trigger


def test_dates_timezone_inputs_and_recovery():
    s = trigger(
        """
        id: on_dates
        type: io.kestra.plugin.core.trigger.ScheduleOnDates
        timezone: Europe/Paris
        inputs:
          reason: release
        recoverMissedSchedules: NONE
        dates:
          - 2025-01-15T09:00:00Z
          - "2025-02-15T09:00:00+01:00"
          - "{{ now() | dateAdd(1, 'DAYS') }}"
        """
    )
    assert isinstance(s, ScheduleOnDates)
    assert s.dates[0] == datetime(2025, 1, 15, 9, tzinfo=UTC)
    assert s.dates[2] == "{{ now() | dateAdd(1, 'DAYS') }}"
    assert s.recover_missed_schedules is RecoverMissedSchedules.NONE
    assert s.trigger_kind == "schedule"
    assert problems(s) == []


def test_the_whole_list_may_be_an_expression():
    s = trigger('id: d\ntype: io.kestra.plugin.core.trigger.ScheduleOnDates\ndates: "{{ vars.release_dates }}"\n')
    assert s.dates == "{{ vars.release_dates }}"


def test_dates_need_a_zone():
    with pytest.raises(ValidationError, match="dates"):
        trigger("id: d\ntype: io.kestra.plugin.core.trigger.ScheduleOnDates\ndates: ['2025-01-15T09:00:00']\n")


def test_dates_are_required():
    with pytest.raises(ValidationError, match="dates"):
        trigger("id: d\ntype: io.kestra.plugin.core.trigger.ScheduleOnDates\n")


def test_unknown_time_zone_is_an_error_unless_it_is_an_expression():
    base = "id: d\ntype: io.kestra.plugin.core.trigger.ScheduleOnDates\ndates: [2025-01-15T09:00:00Z]\n"
    assert problems(trigger(base + "timezone: Europe/Pariss\n")) == [
        (("timezone",), "timezone 'Europe/Pariss' is not a valid time-zone ID")
    ]
    assert problems(trigger(base + 'timezone: "{{ vars.zone }}"\n')) == []
