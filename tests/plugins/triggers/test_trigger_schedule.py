"""io.kestra.plugin.core.trigger.Schedule: properties, cron and time-zone checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cronsim import CronSim

from choreo.plugins.core.catalog import DayWeekInMonth, ExecutionStatus, Schedule
from choreo.plugins.core.trigger.schedule import RecoverMissedSchedules
from plugins.triggers.trigger_helpers import problems, trigger


def schedule(cron: str, **extra: object) -> Schedule:
    data = {"id": "s", "type": "io.kestra.plugin.core.trigger.Schedule", "cron": cron, **extra}
    return Schedule.model_validate(data)


def cron_errors(cron: str, with_seconds: bool = False) -> list[str]:
    return [message for path, message in problems(schedule(cron, withSeconds=with_seconds)) if path == ("cron",)]


def test_a_full_schedule_reads_every_kestra_property():
    s = trigger(
        """
        id: daily
        type: io.kestra.plugin.core.trigger.Schedule
        description: Every weekday morning
        cron: "0 9 * * 1-5"
        timezone: Europe/Paris
        inputs:
          date: "{{ trigger.date }}"
          region: eu
        labels:
          team: data
        lateMaximumDelay: PT1H
        recoverMissedSchedules: LAST
        stopAfter: [FAILED]
        disabled: false
        conditions:
          - type: io.kestra.plugin.core.condition.DayWeekInMonth
            dayOfWeek: MONDAY
            dayInMonth: FIRST
        """
    )
    assert isinstance(s, Schedule)
    assert s.timezone == "Europe/Paris"
    assert s.late_maximum_delay == timedelta(hours=1)
    assert s.recover_missed_schedules is RecoverMissedSchedules.LAST
    assert s.inputs == {"date": "{{ trigger.date }}", "region": "eu"}
    assert isinstance(s.conditions[0], DayWeekInMonth)
    assert s.labels[0].key == "team"
    assert s.trigger_kind == "schedule"
    assert problems(s) == [] and problems(s, "warning") == []


def test_defaults():
    s = schedule("@daily")
    assert s.with_seconds is False
    assert s.timezone is None and s.recover_missed_schedules is None and s.inputs is None


@pytest.mark.parametrize("cron", ["* * * * *", "*/5 * * * *", "0 0 1 * *", "0 11 * * 1", "0 0 * JAN-MAR MON-FRI"])
def test_five_field_crons_are_valid(cron: str):
    assert cron_errors(cron) == []


@pytest.mark.parametrize("nickname", ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"])
def test_nicknames_are_valid_with_and_without_seconds(nickname: str):
    assert cron_errors(nickname) == []
    assert cron_errors(nickname, with_seconds=True) == []


def test_nicknames_translate_to_plain_crons():
    assert schedule("@hourly").cron_expression() == "0 * * * *"
    assert schedule("@weekly").cron_expression() == "0 0 * * 0"
    assert schedule("@yearly", withSeconds=True).cron_expression() == "0 0 0 1 1 *"


def test_six_fields_need_with_seconds_and_put_seconds_first():
    assert cron_errors("*/10 * * * * *", with_seconds=True) == []
    s = schedule("*/10 * * * * *", withSeconds=True)
    first = next(CronSim(s.cron_expression(), datetime(2024, 1, 1, tzinfo=UTC)))
    assert first == datetime(2024, 1, 1, 0, 0, 10, tzinfo=UTC)
    [message] = cron_errors("*/10 * * * * *")
    assert message.startswith("invalid cron expression '*/10 * * * * *': expected 5 fields")
    assert "withSeconds: true" in message
    [message] = cron_errors("0 9 * * *", with_seconds=True)
    assert "expected 6 fields" in message


@pytest.mark.parametrize(
    ("cron", "reason"),
    [
        ("not a cron", "expected 5 fields"),
        ("", "expected 5 fields"),
        ("60 * * * *", "invalid minute"),
        ("* 24 * * *", "invalid hour"),
        ("0 0 L * *", "invalid value 'L' in the day-of-month field"),
        ("0 0 * * 1#2", "invalid value '1#2' in the day-of-week field"),
        ("0 0 ? * *", "invalid value '?'"),
        ("@reboot", "unknown nickname '@reboot'"),
    ],
)
def test_invalid_crons_name_the_reason(cron: str, reason: str):
    [message] = cron_errors(cron)
    assert message.startswith(f"invalid cron expression '{cron}': ")
    assert reason in message


@pytest.mark.parametrize("cron", ["0 0 31 2 *", "0 0 30 2 *", "0 0 31 4,6,9,11 *"])
def test_a_cron_that_can_never_fire_is_an_error(cron: str):
    [message] = cron_errors(cron)
    assert message.startswith(f"invalid cron expression '{cron}': it can never fire")


def test_february_29th_fires_in_leap_years():
    assert cron_errors("0 0 29 2 *") == []


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York", "UTC", "Z", "+02:00", "-05", "UTC+01:00", "GMT"])
def test_valid_time_zones(zone: str):
    assert problems(schedule("@daily", timezone=zone)) == []


@pytest.mark.parametrize("zone", ["Europe/Pariss", "Mars/Olympus", "America", "+25:00", "../etc/passwd"])
def test_unknown_time_zone_is_an_error(zone: str):
    assert problems(schedule("@daily", timezone=zone)) == [
        (("timezone",), f"timezone '{zone}' is not a valid time-zone ID")
    ]


def test_deprecated_properties_are_accepted_with_warnings():
    s = trigger(
        """
        id: monthly
        type: io.kestra.core.models.triggers.types.Schedule
        cron: "0 0 1 * *"
        backfill:
          start: 2020-01-01 00:00:00+02:00
        scheduleConditions:
          - type: io.kestra.plugin.core.condition.Weekend
        """
    )
    assert problems(s) == []
    assert [path for path, _ in problems(s, "warning")] == [("scheduleConditions",), ("backfill",)]
    assert [c.type for c in s.all_conditions] == ["io.kestra.plugin.core.condition.Weekend"]


def test_execution_conditions_are_ignored_by_a_schedule():
    s = schedule("@daily", conditions=[ExecutionStatus(type=ExecutionStatus.type_name, in_=["SUCCESS"])])
    [(path, message)] = problems(s, "warning")
    assert path == ("conditions", 0)
    assert "ignores it" in message


def test_interval_is_not_a_schedule_property():
    with pytest.raises(ValueError, match="interval"):
        schedule("@daily", interval="PT1M")
