"""Fault injection on real processes (issue 7 §5): every execution reaches the state it would have reached without
the fault, no schedule date fires twice or never, no more than the limit run at once, nothing stays RUNNING, and each
resubmission shows in the execution's history."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

from choreo.model.state import State
from faults.processes import (
    HEARTBEAT_TIMEOUT,
    Cluster,
    Component,
    assert_nothing_running,
    pid_of,
    postgres_ready,
    task_job_holders,
    wait_ended,
    wait_for,
    wait_running,
)

#: After a fault, the executions must end within this long (3× the heartbeat timeout, plus the tasks' own time).
SETTLE = 3 * HEARTBEAT_TIMEOUT


def engine(cluster: Cluster, *, executors: int = 1, workers: int = 1, threads: int = 4) -> list[Component]:
    """A webserver plus executors and workers, once every one of them is heartbeating."""
    cluster.webserver()
    for _ in range(executors):
        cluster.executor()
    worker_processes = [cluster.worker(threads) for _ in range(workers)]
    cluster.wait_live("executor", executors)
    cluster.wait_live("worker", workers)
    return worker_processes


def worker_holding(cluster: Cluster, task_run_id: str | None = None, timeout: float = 20) -> int:
    """The pid of the worker running a task run (any, when None), once one holds it."""

    def holder() -> int | None:
        holders = task_job_holders(cluster)
        if task_run_id is None:
            return pid_of(next(iter(holders.values()))) if holders else None
        return pid_of(holders[task_run_id]) if task_run_id in holders else None

    return wait_for(holder, timeout, "a worker to hold the task's job", every=0.02)


def running_task_run(cluster: Cluster, execution_id: str, task_id: str, timeout: float = 20) -> str:
    def find() -> str | None:
        execution = cluster.store.executions.get(execution_id)
        for run in execution.task_run_list if execution else ():
            if run.task_id == task_id and run.state.current == State.RUNNING:
                return run.id
        return None

    return wait_for(find, timeout, f"task '{task_id}' to run", every=0.02)


def resubmission_logged(cluster: Cluster, execution_id: str, task_run_id: str, attempt: int) -> bool:
    return any(
        entry.level == "WARN"
        and entry.task_run_id == task_run_id
        and f"attempt {attempt} of" in entry.message
        and "is resubmitted" in entry.message
        for entry in cluster.store.logs.for_execution(execution_id)
    )


def by_pid(cluster: Cluster, pid: int):  # noqa: ANN201
    return next(c for c in cluster.components if c.pid == pid)


SLOW_SHELL = """
id: slow
namespace: faults
tasks:
  - id: work
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - echo started
      - sleep {seconds}
      - echo "finished after {{{{ taskrun.attemptsCount }}}} earlier attempt(s)"
"""


def test_kill_9_a_worker_mid_task_resubmits_its_attempt_to_the_other(cluster: Cluster) -> None:
    workers = engine(cluster, workers=2)
    cluster.create_flow(SLOW_SHELL.format(seconds=3))
    execution_id = cluster.execute("faults", "slow")
    run_id = running_task_run(cluster, execution_id, "work")
    victim = by_pid(cluster, worker_holding(cluster, run_id))
    assert victim in workers
    victim.kill()

    (execution,) = wait_ended(cluster, [execution_id], SETTLE + 10)
    assert execution.state.current == State.SUCCESS, cluster.logs()
    (run,) = execution.task_run_list
    assert [a.state.current for a in run.attempts] == [State.RESUBMITTED, State.SUCCESS]
    assert resubmission_logged(cluster, execution_id, run.id, 1)
    assert_nothing_running([execution])


MANY_STEPS = """
id: steps
namespace: faults
tasks:
  - id: one
    type: io.kestra.plugin.core.log.Log
    message: one
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.3S
  - id: two
    type: io.kestra.plugin.core.log.Log
    message: two
  - id: pause
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.3S
  - id: three
    type: io.kestra.plugin.core.log.Log
    message: three
"""


def test_kill_9_an_executor_mid_flow_leaves_every_execution_to_the_other(cluster: Cluster) -> None:
    engine(cluster, executors=2, workers=1, threads=8)
    cluster.create_flow(MANY_STEPS)
    ids = [cluster.execute("faults", "steps") for _ in range(20)]
    executors = [c for c in cluster.components if c.command == "executor"]
    victim = executors[0]

    wait_running(cluster, ids, 5)
    victim.kill()

    executions = wait_ended(cluster, ids, SETTLE + 20)
    assert [e.state.current for e in executions] == [State.SUCCESS] * len(ids)
    for execution in executions:
        assert [run.task_id for run in execution.task_run_list] == ["one", "nap", "two", "pause", "three"]
    assert_nothing_running(executions)


EVERY_SECOND = """
id: ticking
namespace: faults
triggers:
  - id: every-second
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "* * * * * *"
    withSeconds: true
    recoverMissedSchedules: ALL
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.date }}"
"""


def test_kill_9_schedulers_during_ticks_fires_every_date_exactly_once(cluster: Cluster) -> None:
    engine(cluster, workers=1, threads=8)
    cluster.create_flow(EVERY_SECOND)
    first, second = cluster.scheduler(), cluster.scheduler()

    def fired() -> list[object]:
        return [e.schedule_date for e in cluster.store.executions.search(flow_id="ticking", size=1000).items]

    wait_for(lambda: len(fired()) >= 3, 20, "the schedule to fire")
    first.kill()  # the other scheduler carries on
    count = len(fired())
    wait_for(lambda: len(fired()) >= count + 2, 10, "the surviving scheduler to fire")
    second.kill()  # no scheduler at all: dates are missed…
    wait_for(lambda: cluster.store.triggers.due(), 10, "a date to be missed")
    time.sleep(0)  # (the gap grows while the replacement starts)
    cluster.scheduler()  # … and recovered by the replacement (recoverMissedSchedules: ALL)
    count = len(fired())
    wait_for(lambda: len(fired()) >= count + 5, 20, "the replacement to catch up and fire")
    for component in [c for c in cluster.components if c.command == "scheduler" and c.alive()]:
        component.terminate()

    dates = fired()
    assert len(dates) == len(set(dates)), f"a date fired twice: {sorted(dates)}"
    ordered = sorted(dates)
    expected = [ordered[0] + timedelta(seconds=n) for n in range(len(ordered))]
    assert ordered == expected, f"dates missing between {ordered[0]} and {ordered[-1]}"
    ids = [e.id for e in cluster.store.executions.search(flow_id="ticking", size=1000).items]
    executions = wait_ended(cluster, ids, SETTLE + 20)
    assert {e.state.current for e in executions} == {State.SUCCESS}
    assert_nothing_running(executions)


FAILS_LATER = """
id: fails
namespace: faults
tasks:
  - id: work
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - echo started
      - sleep 1.5
      - exit 3
"""


def test_sigterm_a_worker_whose_task_fails_during_the_drain_records_the_failure(cluster: Cluster) -> None:
    cluster.grace_period(20)
    (worker,) = engine(cluster, workers=1)
    cluster.create_flow(FAILS_LATER)
    execution_id = cluster.execute("faults", "fails")
    run_id = running_task_run(cluster, execution_id, "work")
    assert worker_holding(cluster, run_id) == worker.pid
    worker.signal(signal.SIGTERM)

    (execution,) = wait_ended(cluster, [execution_id], SETTLE + 10)
    assert execution.state.current == State.FAILED
    (run,) = execution.task_run_list
    assert [a.state.current for a in run.attempts] == [State.FAILED]
    assert worker.process.wait(20) == 0  # drained, then left cleanly
    assert_nothing_running([execution])


THREE_STEPS = """
id: three
namespace: faults
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: first
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT3S
  - id: last
    type: io.kestra.plugin.core.log.Log
    message: last
"""


def postgres_restart() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_postgres_restart_with_50_executions_in_flight(cluster: Cluster) -> None:
    engine(cluster, executors=2, workers=2, threads=16)
    cluster.create_flow(THREE_STEPS)
    ids = [cluster.execute("faults", "three") for _ in range(50)]

    wait_running(cluster, ids, 25)
    try:
        postgres_restart()
    finally:
        postgres_ready()
    cluster.store.engine.dispose()  # this test's own pool holds dead connections

    executions = wait_ended(cluster, ids, SETTLE + 40)
    assert [e.state.current for e in executions] == [State.SUCCESS] * 50
    assert_nothing_running(executions)
    for component in cluster.components:
        assert component.alive(), f"{component.name} died with the database:\n{component.output()[-3000:]}"


def test_a_worker_cut_off_longer_than_the_timeout_loses_its_attempt_to_another(cluster: Cluster) -> None:
    workers = engine(cluster, workers=2)
    cluster.create_flow(SLOW_SHELL.format(seconds=2))
    execution_id = cluster.execute("faults", "slow")
    run_id = running_task_run(cluster, execution_id, "work")
    victim = by_pid(cluster, worker_holding(cluster, run_id))
    assert victim in workers
    victim.signal(signal.SIGSTOP)  # silent: no heartbeat, no commit
    try:
        wait_for(
            lambda: resubmission_logged(cluster, execution_id, run_id, 1),
            SETTLE + 5,
            "the attempt to be resubmitted",
        )
    finally:
        victim.signal(signal.SIGCONT)  # back, with a stale attempt that must not commit
    (execution,) = wait_ended(cluster, [execution_id], SETTLE + 10)
    assert execution.state.current == State.SUCCESS
    (run,) = execution.task_run_list
    assert [a.state.current for a in run.attempts] == [State.RESUBMITTED, State.SUCCESS]
    # Let the stale attempt finish its `sleep` and try to commit, then check it left nothing behind.
    # It learns it was declared dead at its next heartbeat and stops the attempt, or its commit is refused first.
    wait_for(
        lambda: any(s in victim.output() for s in ("declared dead while silent", "its result is dropped")),
        10,
        "the stale attempt to be stopped or dropped",
    )
    execution = cluster.store.executions.get(execution_id)
    (run,) = execution.task_run_list
    assert [a.state.current for a in run.attempts] == [State.RESUBMITTED, State.SUCCESS]
    finished = [
        entry.message
        for entry in cluster.store.logs.for_execution(execution_id)
        if entry.message.startswith("finished after")
    ]
    assert finished == ["finished after 1 earlier attempt(s)"], finished  # the second attempt's; not the stale one's
    assert victim.alive()
    assert_nothing_running([execution])


LIMITED = """
id: limited
namespace: faults
concurrency:
  limit: 1
tasks:
  - id: work
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.1S
"""


def test_concurrency_limit_1_holds_while_workers_are_killed(cluster: Cluster) -> None:
    engine(cluster, workers=2)
    cluster.create_flow(LIMITED)
    ids = [cluster.execute("faults", "limited") for _ in range(50)]
    for _ in range(3):  # kill the worker running an execution, start another in its place
        victim = by_pid(cluster, worker_holding(cluster, timeout=30))
        victim.kill()
        cluster.worker(4)
    executions = wait_ended(cluster, ids, 50 * 0.5 + 3 * SETTLE)
    assert [e.state.current for e in executions] == [State.SUCCESS] * 50
    assert_nothing_running(executions)

    intervals = []
    for execution in executions:
        running = [h.date for h in execution.state.histories if h.state == State.RUNNING]
        assert running, execution.state.histories
        intervals.append((running[0], execution.state.histories[-1].date, execution.id))
    intervals.sort()
    for (_, end, before), (start, _, after) in zip(intervals, intervals[1:], strict=False):
        assert start >= end, f"{after} started running at {start} before {before} ended at {end}"
    resubmitted = [
        (execution.id, run.id)
        for execution in executions
        for run in execution.task_run_list
        if any(a.state.current == State.RESUBMITTED for a in run.attempts)
    ]
    assert resubmitted, "no attempt was cut short by the kills"
    for execution_id, run_id in resubmitted:
        assert resubmission_logged(cluster, execution_id, run_id, 1)
