"""The scheduler with an injected clock: cron dates on time, DST, recovery after downtime, restarts, backfills."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from choreo.app import Choreo
from choreo.engine.control import ExecutionControl
from choreo.engine.jobs import EXECUTION_JOB
from choreo.engine.scheduler import SchedulerService
from choreo.engine.stored_flows import StoredFlows
from choreo.server.deploy import save_flow
from choreo.storage import LocalStorage
from choreo.store import Store


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(scope="module")
def app():
    return Choreo()


class World:
    def __init__(self, app: Choreo, tmp_path, start: datetime) -> None:
        self.app = app
        self.store = Store.open(f"sqlite:///{tmp_path / 'choreo.db'}")
        self.flows = StoredFlows(self.store, app.flows)
        self.control = ExecutionControl(self.store, self.flows, LocalStorage(tmp_path))
        self.clock = Clock(start)
        self.scheduler = self.new_scheduler("one")

    def new_scheduler(self, owner: str) -> SchedulerService:
        return SchedulerService(
            self.store, self.flows, self.control, self.app.expressions, owner=owner, clock=self.clock
        )

    def deploy(self, trigger: str, flow_id: str = "sched") -> None:
        source = (
            f"id: {flow_id}\nnamespace: tests\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
            f"    message: '{{{{ trigger.date }}}}'\ntriggers:\n{trigger}"
        )
        save_flow(self.app, self.store, source)

    def fired(self, flow_id: str = "sched") -> list[str]:
        found = self.store.executions.search(flow_id=flow_id, size=10_000, sort="startDate:asc")
        return sorted(e.trigger.variables["date"] for e in found.items)

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def world(app, tmp_path):
    w = World(app, tmp_path, datetime(2026, 6, 1, 12, 0, 0, 200_000, tzinfo=UTC))
    yield w
    w.close()


EVERY_SECOND = (
    "  - id: tick\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: '* * * * * *'\n    withSeconds: true\n"
)


def test_a_per_second_schedule_fires_once_per_second_with_its_trigger_variables(world):
    world.deploy(EVERY_SECOND)
    world.scheduler.tick()  # first sight: the first date is the next second
    assert world.fired() == []
    for _ in range(5):
        world.clock.advance(seconds=1)
        world.scheduler.tick()
        world.scheduler.tick()  # a second evaluation of the same second fires nothing more
    assert world.fired() == [f"2026-06-01T12:00:0{s}Z" for s in range(1, 6)]
    execution = world.store.executions.search(flow_id="sched", size=1, sort="startDate:desc").items[0]
    variables = execution.trigger.variables
    assert execution.trigger.id == "tick" and execution.trigger.type == "io.kestra.plugin.core.trigger.Schedule"
    assert (variables["previous"], variables["next"]) == ("2026-06-01T12:00:04Z", "2026-06-01T12:00:06Z")
    assert world.store.queue.count(EXECUTION_JOB) == 5  # each execution's start is queued with it


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("ALL", 10), ("LAST", 2), ("NONE", 1)],  # the 10th date (12:00:10) is the current one: on time
)
def test_downtime_is_recovered_as_recover_missed_schedules_says(world, policy, expected):
    world.deploy(EVERY_SECOND + f"    recoverMissedSchedules: {policy}\n")
    world.scheduler.tick()
    world.clock.advance(seconds=10.5)  # the server was down: 10 dates missed
    restarted = world.new_scheduler("after-restart")
    restarted.tick()
    assert len(world.fired()) == expected
    world.clock.advance(seconds=1)
    restarted.tick()
    assert len(world.fired()) == expected + 1  # then on time again, nothing repeated


def test_two_schedulers_never_fire_a_date_twice(world):
    world.deploy(EVERY_SECOND)
    other = world.new_scheduler("two")
    world.scheduler.tick()
    for _ in range(3):
        world.clock.advance(seconds=1)
        other.tick()
        world.scheduler.tick()
    assert world.fired() == ["2026-06-01T12:00:01Z", "2026-06-01T12:00:02Z", "2026-06-01T12:00:03Z"]


@pytest.mark.parametrize(
    ("zone", "start", "cron", "expected"),
    [
        # Europe/Berlin springs forward at 02:00 on 2026-03-29: 02:30 does not exist that day, and cronsim (like
        # Debian's cron) runs it right after the gap, at 03:00
        (
            "Europe/Berlin",
            "2026-03-28T00:00:00Z",
            "30 2 * * *",
            ["2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"],
        ),
        # ...and falls back on 2026-10-25: 02:30 happens twice, it fires once
        (
            "Europe/Berlin",
            "2026-10-24T00:00:00Z",
            "30 2 * * *",
            ["2026-10-24T02:30:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"],
        ),
        (
            "America/New_York",
            "2026-03-07T12:00:00Z",
            "0 9 * * *",
            ["2026-03-07T09:00:00-05:00", "2026-03-08T09:00:00-04:00", "2026-03-09T09:00:00-04:00"],
        ),
        (
            "America/New_York",
            "2026-10-31T12:00:00Z",
            "0 9 * * *",
            ["2026-10-31T09:00:00-04:00", "2026-11-01T09:00:00-05:00", "2026-11-02T09:00:00-05:00"],
        ),
    ],
)
def test_daylight_saving_time_as_cron_does(world, zone, start, cron, expected):
    world.clock.now = datetime.fromisoformat(start.replace("Z", "+00:00"))
    world.deploy(
        f"  - id: daily\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: '{cron}'\n    timezone: {zone}\n"
    )
    world.scheduler.tick()
    for _ in range(3 * 24 * 4):  # three days, every 15 minutes
        world.clock.advance(minutes=15)
        world.scheduler.tick()
    fired = world.fired()
    assert fired[: len(expected)] == expected


def test_schedule_on_dates_and_inputs_rendered_from_the_trigger(world):
    world.deploy(
        "  - id: dates\n    type: io.kestra.plugin.core.trigger.ScheduleOnDates\n"
        "    dates: ['2026-06-01T12:00:02Z', '2026-06-01T12:00:04Z']\n",
        flow_id="ondates",
    )
    world.scheduler.tick()
    for _ in range(6):
        world.clock.advance(seconds=1)
        world.scheduler.tick()
    assert world.fired("ondates") == ["2026-06-01T12:00:02Z", "2026-06-01T12:00:04Z"]


def test_a_backfill_replays_past_dates_a_few_per_tick(world):
    world.deploy("  - id: hourly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: '0 * * * *'\n")
    world.scheduler.tick()
    state = world.store.triggers.get("tests", "sched", "hourly")
    from dataclasses import replace

    backfill = {
        "start": "2026-06-01T00:00:00Z",
        "end": "2026-06-01T11:00:00Z",
        "currentDate": "2026-06-01T00:00:00Z",
        "paused": False,
        "inputs": {},
        "labels": {"backfilled": "yes"},
    }
    world.store.triggers.put(replace(state, backfill=backfill))
    world.scheduler.tick()
    assert len(world.fired()) == 10
    world.scheduler.tick()
    assert world.fired() == [f"2026-06-01T{h:02d}:00:00Z" for h in range(12)]
    assert world.store.triggers.get("tests", "sched", "hourly").backfill is None
    labels = {
        label.key: label.value for label in world.store.executions.search(flow_id="sched", size=1).items[0].labels
    }
    assert labels["backfilled"] == "yes"


def test_a_removed_trigger_stops_firing(world):
    world.deploy(EVERY_SECOND)
    world.scheduler.tick()
    world.clock.advance(seconds=1)
    world.scheduler.tick()
    world.deploy("  - id: other\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: k\n")
    world.clock.advance(seconds=6)
    world.scheduler.tick()
    world.clock.advance(seconds=1)
    world.scheduler.tick()
    assert len(world.fired()) == 1


def test_a_disabled_flow_stops_firing_and_starts_again_when_enabled(world):
    world.deploy(EVERY_SECOND)
    world.scheduler.tick()
    world.clock.advance(seconds=1)
    world.scheduler.tick()
    source = world.store.flows.get("tests", "sched").source
    world.store.flows.save("tests", "sched", source + "disabled: true\n", flow_json={})
    for _ in range(3):
        world.clock.advance(seconds=1)
        world.scheduler.tick()
    assert len(world.fired()) == 1
    world.store.flows.save("tests", "sched", source, flow_json={})
    world.clock.advance(seconds=6)  # past the next sync
    world.scheduler.tick()
    world.clock.advance(seconds=1)
    world.scheduler.tick()
    assert len(world.fired()) == 2


def test_a_second_prepared_ahead_fires_on_it_created_at_that_second(world):
    world.deploy(EVERY_SECOND)
    world.scheduler.tick()  # the first date: 12:00:01
    at = datetime(2026, 6, 1, 12, 0, 1, tzinfo=UTC)
    prepared = world.scheduler.prepare(at)  # at 12:00:00.2, as the running loop does
    assert world.fired() == []  # nothing written before the second
    other = world.new_scheduler("two")
    world.clock.advance(seconds=0.9)
    assert other.tick() == 0  # claimed by the first: the other leaves it
    assert world.scheduler.fire(prepared) == 1
    (execution,) = world.store.executions.search(flow_id="sched", size=10).items
    assert execution.trigger.variables["date"] == "2026-06-01T12:00:01Z"
    assert execution.state.histories[0].date >= at  # never created before the date it is for


def test_a_claim_that_expired_is_fired_once_by_the_scheduler_that_took_it(world):
    world.deploy(EVERY_SECOND)
    world.scheduler.tick()
    stalled = world.scheduler.prepare(datetime(2026, 6, 1, 12, 0, 1, tzinfo=UTC))
    world.clock.advance(seconds=3)  # the first scheduler stalls past its claim (CLAIM_TTL)
    other = world.new_scheduler("two")
    assert other.tick() == 3  # 12:00:01 (its claim expired), :02 and :03
    assert world.scheduler.fire(stalled) == 0  # its claim is gone: it writes nothing
    assert world.fired() == [f"2026-06-01T12:00:0{s}Z" for s in (1, 2, 3)]


def test_stopping_frees_the_claims_of_seconds_prepared_ahead(world):
    world.deploy(EVERY_SECOND)
    world.scheduler.tick()
    prepared = world.scheduler.prepare(datetime(2026, 6, 1, 12, 0, 1, tzinfo=UTC))
    world.scheduler.abandon(prepared)
    world.clock.advance(seconds=0.8)
    assert world.new_scheduler("two").tick() == 1  # at once, not after the claim expired


def test_a_trigger_seen_while_preparing_ahead_starts_from_now(world):
    world.deploy(EVERY_SECOND)
    ahead = datetime(2026, 6, 1, 12, 0, 3, tzinfo=UTC)
    world.scheduler.prepare(ahead, after=ahead - timedelta(seconds=1))  # first sight, three seconds ahead, as run()
    world.clock.advance(seconds=0.8)
    world.scheduler.tick()
    assert world.fired() == ["2026-06-01T12:00:01Z"]  # not 12:00:04: no date skipped after it was deployed
