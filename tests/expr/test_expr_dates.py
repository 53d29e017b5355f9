"""Date filters: Java patterns, Kestra's named formats, time zones, epoch inputs (cases from Kestra's tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from choreo.errors import ExpressionError

NOW = datetime(2013, 9, 8, 16, 19, 12, 123456, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ now | date(format='iso', timeZone='Europe/Paris') }}", "2013-09-08T17:19:12.123456+02:00"),
        ("{{ now | date(format='iso_sec', timeZone='Europe/Paris') }}", "2013-09-08T17:19:12+02:00"),
        ("{{ now | date(format='iso_milli', timeZone='Europe/Paris') }}", "2013-09-08T17:19:12.123+02:00"),
        ("{{ now | date(format='iso_milli', timeZone='UTC') }}", "2013-09-08T15:19:12.123Z"),
        ("{{ now | date('sql', timeZone='UTC') }}", "2013-09-08 15:19:12.123456"),
        ("{{ now | date('sql_sec', timeZone='UTC') }}", "2013-09-08 15:19:12"),
        ("{{ now | date('sql_milli', timeZone='UTC') }}", "2013-09-08 15:19:12.123"),
        (
            "{{ now | date('iso_zoned_date_time', timeZone='Europe/Paris') }}",
            "2013-09-08T17:19:12.123456+02:00[Europe/Paris]",
        ),
        ("{{ now | date('iso_local_date', timeZone='UTC') }}", "2013-09-08"),
        ("{{ now | date('iso_date', timeZone='Europe/Paris') }}", "2013-09-08+02:00"),
        ("{{ now | date('iso_instant') }}", "2013-09-08T15:19:12.123456Z"),
        ("{{ now | date('rfc_1123_date_time', timeZone='Europe/Paris') }}", "Sun, 8 Sep 2013 17:19:12 +0200"),
        ("{{ now | date('yyyy-MM-dd') }}", "2013-09-08"),
        ("{{ now | date(\"EEE, MMM d ''yy h:mm a\", timeZone='UTC') }}", "Sun, Sep 8 '13 3:19 PM"),
        (
            "{{ now | date(\"EEEE MMMM dd 'at' HH:mm:ss.SSS Z XXX\", timeZone='America/New_York') }}",
            "Sunday September 08 at 11:19:12.123 -0400 -04:00",
        ),
        ("{{ now | date('D w Q', timeZone='UTC') }}", "251 36 3"),
        ("{{ now | date() }}", "2013-09-08T15:19:12.123456Z"),
    ],
)
def test_date_filter_formats(render, template, expected):
    assert render(template, now=NOW) == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ 'July 24, 2001' | date('yyyy-MM-dd', existingFormat='MMMM dd, yyyy') }}", "2001-07-24"),
        ("{{ '2013-09-08T17:19:12+02:00' | date(timeZone='Europe/Paris') }}", "2013-09-08T17:19:12.000000+02:00"),
        ("{{ '2013-09-08T17:19:12' | date(timeZone='Europe/Paris') }}", "2013-09-08T17:19:12.000000+02:00"),
        ("{{ '2013-09-08' | date(timeZone='Europe/Paris') }}", "2013-09-08T00:00:00.000000+02:00"),
        ("{{ '08.09.2023' | date('yyyy-MM-dd', existingFormat='dd.MM.yyyy') }}", "2023-09-08"),
        ("{{ '08092023' | date('yyyy-MM-dd', existingFormat='ddMMyyyy') }}", "2023-09-08"),
        ("{{ '2024-01-01T10:00:00Z' | date('HH:mm', timeZone='+02:00') }}", "12:00"),
        (
            "{{ 'Tue, 08 Feb 2022 19:38:26 GMT' | date(existingFormat='rfc_1123_date_time', timeZone='CET') }}",
            "2022-02-08T20:38:26.000000+01:00",
        ),
        (
            "{{ '05/03/2021 07:15 PM +0100' | date('iso_sec', existingFormat='dd/MM/yyyy hh:mm a Z') }}",
            "2021-03-05T18:15:00Z",
        ),
    ],
)
def test_date_filter_parses_strings(render, template, expected):
    assert render(template) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1378653552, "2013-09-08T17:19:12.000000+02:00"),
        (1378653552123, "2013-09-08T17:19:12.123000+02:00"),
        (1378653552123456, "2013-09-08T17:19:12.123456+02:00"),
        (1378653552123456000, "2013-09-08T17:19:12.123456+02:00"),
    ],
)
def test_epoch_numbers_by_magnitude(render, number, expected):
    assert render("{{ n | date(timeZone='Europe/Paris') }}", n=number) == expected


def test_naive_values_are_read_in_the_requested_zone(render):
    local = datetime(2013, 9, 8, 16, 19, 12)
    assert render("{{ d | date('yyyy-MM-dd HH:mm:ssXXX', timeZone='Europe/Paris') }}", d=local) == (
        "2013-09-08 16:19:12+02:00"
    )
    assert render("{{ d | date('HH:mm', timeZone='Europe/Paris') }}", d=date(2024, 1, 1)) == "12:00"


def test_date_add(render):
    assert render("{{ now | dateAdd(-1, 'DAYS', timeZone='Europe/Paris') }}", now=NOW) == (
        "2013-09-07T17:19:12.123456+02:00"
    )
    jan31 = datetime(2024, 1, 31, 10, tzinfo=UTC)
    assert render("{{ d | dateAdd(1, 'MONTHS', format='iso_local_date') }}", d=jan31) == "2024-02-29"
    assert render("{{ d | dateAdd(2, 'HOURS', 'HH:mm') }}", d=jan31) == "12:00"
    assert render("{{ d | dateAdd(1, 'YEARS', 'yyyy') }} {{ d | dateAdd(3, 'WEEKS', 'MM-dd') }}", d=jan31) == (
        "2025 02-21"
    )
    assert render("{{ (d | timestamp) > (d | dateAdd(-1, 'DAYS') | timestamp) }}", d=jan31) == "true"


def test_date_add_over_dst_keeps_wall_clock_for_days(render):
    before = datetime(2024, 3, 30, 12, 0)
    template = "{{ d | dateAdd(1, 'DAYS', 'HH:mmXXX', timeZone='Europe/Paris') }}"
    assert render(template, d=before) == "12:00+02:00"
    template = "{{ d | dateAdd(24, 'HOURS', 'HH:mmXXX', timeZone='Europe/Paris') }}"
    assert render(template, d=before) == "13:00+02:00"


def test_timestamps(render):
    assert render("{{ now | timestamp }}", now=NOW) == "1378653552"
    assert render("{{ now | timestampMilli }}", now=NOW) == "1378653552123"
    assert render("{{ now | timestampMicro }}", now=NOW) == "1378653552123456"
    assert render("{{ now | timestampNano }}", now=NOW) == "1378653552123456000"
    assert render("{{ '1970-01-02' | timestamp(timeZone='UTC') }}") == "86400"


def test_now_function(render, evaluate):
    current = evaluate("now()")
    assert current.tzinfo is not None and current.utcoffset() == timedelta(0)
    assert render("{{ now() }}").endswith("Z")
    assert render("{{ now(timeZone='Europe/Paris') | date('yyyy') }}") == str(datetime.now(UTC).year)
    assert len(render("{{ now(format='sql_milli') }}")) == 23


@pytest.mark.parametrize(
    "template",
    [
        "{{ 'not a date' | date('yyyy') }}",
        "{{ 'x' | date('yyyy', existingFormat='yyyy') }}",
        "{{ now | date('yyyy', timeZone='Mars/Olympus') }}",
        "{{ now | date('yyyy', timeZone='../../etc/passwd') }}",
        "{{ now | date('bbb') }}",
        '{{ now | date("\'unterminated") }}',
        "{{ now | dateAdd(1, 'FORTNIGHTS') }}",
        "{{ now | dateAdd('x', 'DAYS') }}",
        "{{ [1] | date('yyyy') }}",
        "{{ '12:00' | date('yyyy', existingFormat='HH:mm') }}",
    ],
)
def test_date_errors(render, template):
    with pytest.raises(ExpressionError):
        render(template, now=NOW)
