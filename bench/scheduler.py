"""The scheduler with 10,000 scheduled flows (mixed crons) on the embedded store.

    .venv/bin/python bench/scheduler.py [--flows 10000]

The clock is injected: each measured tick is the first evaluation after a minute boundary, and a date's lateness is
the wall time from the tick's start to the commit of its execution (so it includes the evaluation of every trigger
fired before it in that tick). Prints p50 / p99 lateness and the CPU time of the tick, for the worst minute of the
hour (12:00, where every cron below fires) and an ordinary one (12:01).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
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


WRITTEN: list[float] = []
_write = Batch.write


def timed_write(self: Batch, tx) -> None:  # type: ignore[no-untyped-def]
    """Records when each execution is written (its batch commits right after)."""
    _write(self, tx)
    WRITTEN.extend([time.perf_counter()] * len(self.executions))


Batch.write = timed_write  # type: ignore[method-assign]


def measure(scheduler: SchedulerService, clock: Clock, at: datetime) -> tuple[int, list[float], float]:
    clock.now = at
    WRITTEN.clear()
    cpu, start = time.process_time(), time.perf_counter()
    created = scheduler.tick()
    cpu = time.process_time() - cpu
    return created, [(t - start) * 1000 for t in WRITTEN], cpu


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
        print("| minute | executions | lateness p50 | lateness p99 | tick CPU |\n|---|---|---|---|---|")
        for label, at in (
            ("12:00 (every cron fires)", datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)),
            ("12:01 (ordinary)", datetime(2026, 6, 1, 12, 1, 0, tzinfo=UTC)),
        ):
            created, lateness, cpu = measure(scheduler, clock, at)
            lateness.sort()
            p99 = lateness[min(len(lateness) - 1, int(len(lateness) * 0.99))] if lateness else float("nan")
            p50 = statistics.median(lateness) if lateness else float("nan")
            print(f"| {label} | {created} | {p50:.0f} ms | {p99:.0f} ms | {cpu:.2f} s |")
        quiet_cpu = time.process_time()
        clock.now = datetime(2026, 6, 1, 12, 1, 1, tzinfo=UTC)
        scheduler.tick()
        print(f"| a second with nothing due | 0 | — | — | {time.process_time() - quiet_cpu:.3f} s |")
        store.close()


if __name__ == "__main__":
    main()
