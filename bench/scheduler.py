"""The scheduler with 10,000 scheduled flows (mixed crons) on the embedded store.

    .venv/bin/python bench/scheduler.py [--flows 10000]

The scheduler's own loop (`SchedulerService.run`) runs on real time shifted so that 12:00:00 — the worst second of
the hour, where every cron below fires — comes 4.5 s after it starts, and runs until 12:01:01.5. A date's lateness is
the time from the date to the commit of its execution. Prints p50 / p99 lateness for 12:00:00 and for an ordinary
minute (12:01:00), and the scheduler's CPU over its whole loop.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from choreo.app import Choreo  # noqa: E402
from choreo.engine.control import ExecutionControl  # noqa: E402
from choreo.engine.scheduler import Batch, SchedulerService  # noqa: E402
from choreo.engine.stored_flows import StoredFlows  # noqa: E402
from choreo.server.deploy import save_flow  # noqa: E402
from choreo.server.gc_tuning import tune_gc  # noqa: E402
from choreo.storage import LocalStorage  # noqa: E402
from choreo.store import Store  # noqa: E402

CRONS = [("* * * * *", 4), ("*/5 * * * *", 3), ("0 * * * *", 2), ("30 9 * * *", 1)]  # weights out of 10

FLOW = """id: f{index}
namespace: bench.s{group}
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "{cron}"
"""


class Clock:
    """Fixed while the flows are deployed; then real time shifted so that a chosen instant comes a little later."""

    def __init__(self, now: datetime) -> None:
        self.fixed: datetime | None = now
        self.offset = timedelta(0)

    def run_from(self, instant: datetime) -> None:
        self.fixed = None
        self.offset = instant - datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.fixed if self.fixed is not None else datetime.now(UTC) + self.offset


#: (schedule date, the clock's time at the commit of its execution) for each execution written.
WRITTEN: list[tuple[datetime, datetime]] = []
_PENDING: list[datetime] = []  # schedule dates of the executions written in the open transaction
_write = Batch.write


def timed_write(self: Batch, tx) -> None:  # type: ignore[no-untyped-def]
    _write(self, tx)
    _PENDING.extend(execution.schedule_date for execution in self.executions)


Batch.write = timed_write  # type: ignore[method-assign]


def record_commits(store: Store, clock: Clock) -> None:
    """Wrap `store.transaction` so each execution's commit time is recorded (after the COMMIT, not before)."""
    transaction = store.transaction

    @contextmanager
    def timed():  # type: ignore[no-untyped-def]
        with transaction() as tx:
            yield tx
        committed = clock()
        WRITTEN.extend((date, committed) for date in _PENDING)
        _PENDING.clear()

    store.transaction = timed  # type: ignore[method-assign]


STALLS: list[float] = []  # how late each 10 ms wake-up of a probe sharing the scheduler's event loop came


async def probe(stop: asyncio.Event) -> None:
    """What an API request served by the same event loop (`server local`) would wait for."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        STALLS.append(time.perf_counter() - started - 0.01)


async def run_until(scheduler: SchedulerService, clock: Clock, end: datetime) -> tuple[float, float]:
    """The scheduler's own loop until the clock reaches `end`; its CPU and wall seconds."""
    stop = asyncio.Event()
    cpu, wall = time.process_time(), time.perf_counter()
    task = asyncio.create_task(scheduler.run(stop))
    probing = asyncio.create_task(probe(stop))
    await asyncio.sleep((end - clock()).total_seconds())
    stop.set()
    await task
    await probing
    return time.process_time() - cpu, time.perf_counter() - wall


def report(label: str, second: datetime) -> None:
    lateness = sorted((committed - date).total_seconds() * 1000 for date, committed in WRITTEN if date == second)
    if not lateness:
        print(f"| {label} | 0 | — | — |")
        return
    p99 = lateness[min(len(lateness) - 1, int(len(lateness) * 0.99))]
    print(f"| {label} | {len(lateness)} | {statistics.median(lateness):.0f} ms | {p99:.0f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flows", type=int, default=10_000)
    args = parser.parse_args()
    app = Choreo()
    with tempfile.TemporaryDirectory() as home:
        store = Store.open(f"sqlite:///{Path(home) / 'choreo.db'}")
        flows = StoredFlows(store, app.flows)
        control = ExecutionControl(store, flows, LocalStorage(home))
        clock = Clock(datetime(2026, 6, 1, 11, 59, 30, tzinfo=UTC))
        scheduler = SchedulerService(store, flows, control, app.expressions, owner="bench", clock=clock)
        tune_gc()  # as the server does once started
        schedule = [cron for cron, weight in CRONS for _ in range(weight)]
        started = time.perf_counter()
        for index in range(args.flows):
            save_flow(app, store, FLOW.format(index=index, group=index % 100, cron=schedule[index % len(schedule)]))
        deployed = time.perf_counter() - started
        sync_cpu = time.process_time()
        scheduler.tick()  # first sight: every trigger gets its state
        sync_cpu = time.process_time() - sync_cpu
        print(f"deployed {args.flows} flows in {deployed:.1f} s; first tick (states created) {sync_cpu:.2f} s CPU\n")
        record_commits(store, clock)
        noon = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
        clock.run_from(noon - timedelta(seconds=4.5))  # the loop starts 4.5 s before the busiest second
        cpu, wall = asyncio.run(run_until(scheduler, clock, noon + timedelta(seconds=61.5)))
        print("| second | executions | lateness p50 | lateness p99 |\n|---|---|---|---|")
        report("12:00:00 (every cron fires)", noon)
        report("12:01:00 (ordinary)", noon + timedelta(minutes=1))
        others = [date for date, _ in WRITTEN if date not in (noon, noon + timedelta(minutes=1))]
        print(f"\nother executions: {len(others)}; scheduler CPU {cpu:.2f} s over {wall:.1f} s of its loop")
        stalls = sorted(STALLS)
        print(
            f"event loop shared with the scheduler (server local): longest stall {stalls[-1] * 1000:.0f} ms, "
            f"p99.9 {stalls[int(len(stalls) * 0.999)] * 1000:.0f} ms over {len(stalls)} 10 ms wake-ups"
        )
        store.close()


if __name__ == "__main__":
    main()
