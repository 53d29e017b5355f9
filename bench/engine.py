"""Engine benchmark on the embedded store (SQLite in a temporary $CHOREO_HOME).

Workloads: one task; 40 chained tasks passing outputs; a 100-branch Parallel plus a join; 10 parallel 1 s sleeps;
a 1,000-value ForEach. Prints engine time (execution start to end, store writes included), per-task overhead,
whole-process time of `choreo run` for the one-task flow, and peak RSS.

Run: .venv/bin/python bench/engine.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from choreo.app import Choreo
from choreo.engine.context import secrets_from_env
from choreo.engine.executor import Executor
from choreo.engine.local import LocalRunner, new_execution
from choreo.engine.persistence import ExecutionRecorder, StoreKeyValues
from choreo.engine.worker import Worker
from choreo.storage import LocalStorage
from choreo.store import Store

REPO = Path(__file__).resolve().parents[1]


def one_task() -> str:
    return (
        "id: one\nnamespace: bench\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.debug.Return\n    format: hi\n"
    )


def chain(n: int = 40) -> str:
    lines = [
        "id: chain",
        "namespace: bench",
        "tasks:",
        "  - id: t0",
        "    type: io.kestra.plugin.core.debug.Return",
        "    format: '0'",
    ]
    for i in range(1, n):
        lines += [
            f"  - id: t{i}",
            "    type: io.kestra.plugin.core.debug.Return",
            f'    format: "{{{{ outputs.t{i - 1}.value }}}}-{i}"',
        ]
    return "\n".join(lines) + "\n"


def fan_out(n: int = 100) -> str:
    lines = [
        "id: fan",
        "namespace: bench",
        "tasks:",
        "  - id: branches",
        "    type: io.kestra.plugin.core.flow.Parallel",
        "    tasks:",
    ]
    for i in range(n):
        lines += [f"      - id: b{i}", "        type: io.kestra.plugin.core.debug.Return", f"        format: '{i}'"]
    lines += ["  - id: join", "    type: io.kestra.plugin.core.debug.Return", '    format: "{{ outputs.b99.value }}"']
    return "\n".join(lines) + "\n"


def sleeps(n: int = 10) -> str:
    lines = [
        "id: sleeps",
        "namespace: bench",
        "tasks:",
        "  - id: all",
        "    type: io.kestra.plugin.core.flow.Parallel",
        "    tasks:",
    ]
    for i in range(n):
        lines += [f"      - id: s{i}", "        type: io.kestra.plugin.core.flow.Sleep", "        duration: PT1S"]
    return "\n".join(lines) + "\n"


def for_each(n: int = 1000) -> str:
    values = ", ".join(str(i) for i in range(n))
    return (
        "id: each\nnamespace: bench\ntasks:\n  - id: loop\n    type: io.kestra.plugin.core.flow.ForEach\n"
        f"    values: [{values}]\n    concurrencyLimit: 0\n    tasks:\n"
        "      - id: item\n        type: io.kestra.plugin.core.debug.Return\n        format: '{{ taskrun.value }}'\n"
    )


def engine_time(app: Choreo, source: str, home: Path) -> tuple[float, int]:
    flow = app.flows.load(source)
    store = Store.open(f"sqlite:///{home / 'choreo.db'}")
    recorder = ExecutionRecorder(store)
    worker = Worker(
        expressions=app.expressions,
        storage=LocalStorage(home / "storage"),
        kv=StoreKeyValues(store),
        secrets=secrets_from_env(),
        on_log=recorder.on_log,
        envs={},
    )
    runner = LocalRunner(
        Executor(app.expressions, envs={}), worker, flows=lambda *a: None, on_update=recorder.on_update
    )
    execution = new_execution(flow, {})
    start = time.perf_counter()
    final = asyncio.run(runner.execute(flow, execution))
    elapsed = time.perf_counter() - start
    recorder.flush()
    store.close()
    assert final.state.current.value == "SUCCESS", final.state.current
    return elapsed, len(final.task_run_list)


def process_time(source: str, home: Path) -> float:
    path = home / "one.yaml"
    path.write_text(source)
    start = time.perf_counter()
    subprocess.run(
        [str(REPO / ".venv" / "bin" / "choreo"), "run", str(path)],
        env={**os.environ, "CHOREO_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    app = Choreo()
    workloads = [
        ("one-task flow", one_task(), args.rounds * 4),
        ("40 chained tasks passing outputs", chain(), args.rounds),
        ("100-branch Parallel + join", fan_out(), args.rounds),
        ("10 parallel 1 s sleeps", sleeps(), 2),
        ("1,000-value ForEach", for_each(), 2),
    ]
    print("| workload | task runs | engine median ms | min ms | per task run ms |")
    print("|---|---|---|---|---|")
    for name, source, rounds in workloads:
        timings = []
        runs = 0
        for _ in range(rounds):
            with tempfile.TemporaryDirectory() as home:
                elapsed, runs = engine_time(app, source, Path(home))
                timings.append(elapsed * 1000)
        median = statistics.median(timings)
        print(f"| {name} | {runs} | {median:.1f} | {min(timings):.1f} | {median / runs:.2f} |")
    with tempfile.TemporaryDirectory() as home:
        whole = [process_time(one_task(), Path(home)) * 1000 for _ in range(args.rounds)]
    print(
        f"\n`choreo run` of a one-task flow, whole process: median {statistics.median(whole):.0f} ms "
        f"(min {min(whole):.0f} ms)"
    )
    print(f"peak RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
