"""The scheduler with 10,000 scheduled flows (mixed crons) on the embedded store.

    .venv/bin/python bench/scheduler.py [--flows 10000]

The clock is injected. Each measured second is handled as the running scheduler does: prepared ahead (due triggers
claimed, dates evaluated, executions built — from the previous second on), then fired on the second. A date's
lateness is the wall time from the second to the commit of its execution. Prints the preparation time (it must fit
in the second before), p50 / p99 lateness and the CPU time spent on the second, for the worst minute of the hour
(12:00, where every cron below fires) and an ordinary one (12:01).
"""

from __future__ import annotations

import argparse
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
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


WRITTEN: list[float] = []  # the commit time of each execution
_PENDING: list[int] = []  # executions written in the open transaction
_write = Batch.write


def timed_write(self: Batch, tx) -> None:  # type: ignore[no-untyped-def]
    _write(self, tx)
    _PENDING.append(len(self.executions))


Batch.write = timed_write  # type: ignore[method-assign]


def record_commits(store: Store) -> None:
    """Wrap `store.transaction` so each execution's commit time is recorded (after the COMMIT, not before)."""
    transaction = store.transaction

    @contextmanager
    def timed():  # type: ignore[no-untyped-def]
        with transaction() as tx:
            yield tx
        committed = time.perf_counter()
        WRITTEN.extend([committed] * sum(_PENDING))
        _PENDING.clear()

    store.transaction = timed  # type: ignore[method-assign]


def measure(scheduler: SchedulerService, clock: Clock, at: datetime) -> tuple[int, list[float], float, float, float]:
    """As the running scheduler does: the second is prepared ahead (from the previous second on), then fired on it."""
    clock.now = at - timedelta(seconds=1)
    WRITTEN.clear()
    prepare_cpu, prepare_start = time.process_time(), time.perf_counter()
    prepared = scheduler.prepare(at)
    prepare_wall, prepare_cpu = time.perf_counter() - prepare_start, time.process_time() - prepare_cpu
    clock.now = at
    cpu, start = time.process_time(), time.perf_counter()
    created = scheduler.fire(prepared)
    cpu = time.process_time() - cpu
    return created, [(t - start) * 1000 for t in WRITTEN], cpu, prepare_wall, prepare_cpu


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
        record_commits(store)
        print(
            "| minute | executions | prepared ahead (wall / CPU) | lateness p50 | lateness p99 | CPU on the second |"
            "\n|---|---|---|---|---|---|"
        )
        for label, at in (
            ("12:00 (every cron fires)", datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)),
            ("12:01 (ordinary)", datetime(2026, 6, 1, 12, 1, 0, tzinfo=UTC)),
        ):
            created, lateness, cpu, prepare_wall, prepare_cpu = measure(scheduler, clock, at)
            lateness.sort()
            p99 = lateness[min(len(lateness) - 1, int(len(lateness) * 0.99))] if lateness else float("nan")
            p50 = statistics.median(lateness) if lateness else float("nan")
            print(
                f"| {label} | {created} | {prepare_wall:.2f} s / {prepare_cpu:.2f} s | {p50:.0f} ms | {p99:.0f} ms "
                f"| {cpu:.2f} s |"
            )
        quiet_cpu = time.process_time()
        clock.now = datetime(2026, 6, 1, 12, 1, 1, tzinfo=UTC)
        scheduler.tick()
        print(f"| a second with nothing due | 0 | — | — | — | {time.process_time() - quiet_cpu:.3f} s |")
        store.close()


if __name__ == "__main__":
    main()
