"""Two schedulers (two store connections, as two processes) evaluating the same triggers at the same instant, on
SQLite and on the machine's PostgreSQL: every date fires exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from choreo.app import Choreo
from choreo.engine.control import ExecutionControl
from choreo.engine.scheduler import SchedulerService
from choreo.engine.stored_flows import StoredFlows
from choreo.server.deploy import save_flow
from choreo.storage import LocalStorage

FLOW = """id: f{index}
namespace: shared
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: tick
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "* * * * * *"
    withSeconds: true
"""


class FixedClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 12, 0, 0, 100_000, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_two_schedulers_fire_each_date_once(store, other_store, tmp_path):
    app = Choreo()
    for index in range(20):
        save_flow(app, store, FLOW.format(index=index))
    clock = FixedClock()
    schedulers = []
    for name, each in (("one", store), ("two", other_store)):
        flows = StoredFlows(each, app.flows)
        control = ExecutionControl(each, flows, LocalStorage(tmp_path))
        schedulers.append(SchedulerService(each, flows, control, app.expressions, owner=name, clock=clock))
    schedulers[0].tick()  # first sight: every trigger gets its next date
    for _ in range(3):
        clock.now += timedelta(seconds=1)
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def tick(scheduler: SchedulerService, barrier: threading.Barrier = barrier, errors: list = errors) -> None:
            barrier.wait()
            try:
                scheduler.tick()
            except BaseException as exc:  # reported below: a thread's exception is otherwise lost
                errors.append(exc)

        threads = [threading.Thread(target=tick, args=(s,)) for s in schedulers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors, errors
    fired = store.executions.search(namespace="shared", size=1000).items
    dates = sorted((e.flow_id, e.trigger.variables["date"]) for e in fired)
    assert len(dates) == 60 and len(set(dates)) == 60  # 20 flows × 3 seconds, none twice
