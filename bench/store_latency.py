"""Latency of the executor's hot write: `executions.save` + `queue.push` in one transaction (median of N).

    .venv/bin/python bench/store_latency.py [sqlite|postgres] [N]

Not collected by pytest (benchmarks print, they do not assert). PostgreSQL uses CHOREO_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test) in a throw-away schema.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from choreo.model.execution import Execution, ExecutionTrigger, TaskRun
from choreo.model.state import State
from choreo.store import Store


def _execution() -> Execution:
    execution = Execution(
        namespace="company.team",
        flow_id="etl",
        labels=[{"key": "team", "value": "data"}, {"key": "env", "value": "prod"}],
        inputs={"day": "2025-01-31", "limit": 100},
        trigger=ExecutionTrigger(id="schedule", type="io.kestra.plugin.core.trigger.Schedule"),
    ).with_state(State.RUNNING)
    for index in range(5):
        run = TaskRun(execution_id=execution.id, namespace="company.team", flow_id="etl", task_id=f"task{index}")
        execution = execution.with_task_run(run.with_state(State.RUNNING).with_state(State.SUCCESS))
    return execution


def measure(store: Store, n: int) -> tuple[float, float, float]:
    execution = _execution()
    samples = []
    for index in range(n + 50):
        execution = execution.model_copy(update={"variables": {"i": index}})
        started = time.perf_counter()
        with store.transaction() as tx:
            tx.executions.save(execution)
            tx.queue.push("worker_job", {"executionId": execution.id, "taskRunId": "x"}, key=execution.id)
        if index >= 50:  # warm-up: pool, statement cache
            samples.append(time.perf_counter() - started)
    samples.sort()
    return statistics.median(samples) * 1e3, samples[int(len(samples) * 0.99)] * 1e3, samples[-1] * 1e3


def main() -> None:
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp, Store.open(f"sqlite:///{Path(tmp) / 'bench.db'}") as store:
            result = measure(store, n)
    else:
        base = os.environ.get("CHOREO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
        schema = f"choreo_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            sep = "&" if "?" in base else "?"
            with Store.open(f"{base}{sep}options=-csearch_path%3D{schema}") as store:
                result = measure(store, n)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    median, p99, worst = result
    print(f"| backend | n | median ms | p99 ms | max ms |  ({datetime.now(UTC):%Y-%m-%d})")
    print(f"| {backend} | {n} | {median:.3f} | {p99:.3f} | {worst:.3f} |")


if __name__ == "__main__":
    main()
