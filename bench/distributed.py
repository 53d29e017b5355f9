"""Distributed mode on PostgreSQL: executions per minute, task runs per second and latency with 1, 2 and 4 worker
processes, against real `choreo server executor` and `choreo server worker` processes.

    .venv/bin/python bench/distributed.py [--quick] [--workers 1,2,4] [--rates 10,25,50,75,100] [--seconds 15]
                                          [--threads 8] [--executors 1] [--profile DIR]

A fresh database is created on the local server (`--postgres`, default postgresql://postgres@127.0.0.1:5432) and dropped
at the end. `--executors` executor processes (default 1) run throughout; for each N, N worker processes are started (and
stopped after). The bench process offers executions of a two-task flow (two `debug.Return`, each run by a worker)
open-loop at each rate for `--seconds`, creating them directly through the store with `ExecutionControl.create` (no
webserver: one transaction each, as the API would do, without the HTTP cost). Each execution's latency is read from its
state history: the created date (first entry) to the end date (terminal entry). A rate whose executions are not all
ended 10 s after the offer stops is overloaded: the higher rates of that N are skipped.

Columns: `completed/min` counts the executions that ended during the offer window; `task runs/s` is twice that per
second; `CPU ms/exec` splits the CPU time spent per execution between the executor, the workers, PostgreSQL and the
bench process (the offer). `--profile DIR` runs the executor and the workers under cProfile and prints their
hottest functions. Figures go into notes, never into test assertions.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

FLOW = """id: {flow_id}
namespace: bench.distributed
tasks:
  - id: first
    type: io.kestra.plugin.core.debug.Return
    format: "one"
  - id: second
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ outputs.first.value }}}} two"
"""

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def postgres_cpu() -> float:
    """CPU time of every `postgres` process (the backends serving this bench and anything else on the server)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if "(postgres)" in stat:
                fields = stat.rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def load_average() -> str:
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


class Component:
    """A `choreo server executor|worker` process (optionally under cProfile)."""

    def __init__(self, kind: str, env: dict[str, str], home: Path, profile: Path | None, threads: int) -> None:
        self.kind = kind
        self.log = home / f"{kind}-{uuid.uuid4().hex[:6]}.log"
        args = ["server", kind] + (["--threads", str(threads)] if kind == "worker" else [])
        if profile is not None:
            out = profile / f"{kind}-{uuid.uuid4().hex[:6]}.prof"
            command = [sys.executable, __file__, "--child-profile", str(out), *args]
        else:
            command = [str(Path(sys.executable).parent / "choreo"), *args]
        self._output = self.log.open("w")
        self.process = subprocess.Popen(command, env=env, stdout=self._output, stderr=subprocess.STDOUT)

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._output.close()


class Bench:
    def __init__(self, args: argparse.Namespace, home: Path) -> None:
        from sqlalchemy import create_engine

        from choreo.app import Choreo
        from choreo.engine.control import ExecutionControl
        from choreo.engine.stored_flows import StoredFlows
        from choreo.storage import LocalStorage
        from choreo.store import Store

        self.args = args
        self.home = home
        self.database = f"choreo_bench_{uuid.uuid4().hex[:8]}"
        base = args.postgres.rstrip("/")
        self.admin = create_engine(f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/postgres")
        self.admin = self.admin.execution_options(isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.database}"')
        self.url = f"{base}/{self.database}"
        self.app = Choreo()
        self.store = Store.open(self.url, pool_size=8)
        self.flows = StoredFlows(self.store, self.app.flows)
        self.control = ExecutionControl(self.store, self.flows, LocalStorage(home / "storage"))
        self.env = {
            **os.environ,
            "CHOREO_HOME": str(home),
            "CHOREO_DATABASE_URL": self.url,
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src"),
        }
        self.profile = Path(args.profile).resolve() if args.profile else None
        if self.profile is not None:
            self.profile.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        self.store.close()
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self.admin.dispose()

    def flow(self, flow_id: str):  # noqa: ANN201 - a Flow
        from choreo.server.deploy import save_flow

        save_flow(self.app, self.store, FLOW.format(flow_id=flow_id))
        return self.flows.get("bench.distributed", flow_id)

    def start(self, kind: str) -> Component:
        return Component(kind, self.env, self.home, self.profile, self.args.threads)

    def wait_alive(self, kind: str, count: int, timeout: float = 60) -> None:
        from datetime import timedelta

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            live = [c for c in self.store.components.live(timedelta(seconds=10)) if c.kind == kind]
            if len(live) >= count:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{count} {kind}(s) did not come up within {timeout} s (logs in {self.home})")

    def forget_components(self) -> None:
        """Stopped workers deregister; this clears any left so the next N counts only its own."""
        from sqlalchemy import text

        with self.store.engine.begin() as conn:
            conn.execute(text("DELETE FROM components WHERE kind = 'worker'"))

    def offer(self, flow, rate: float, seconds: float) -> tuple[list[str], float]:  # noqa: ANN001
        """Create `rate` executions per second for `seconds`, open-loop (a pool of creators, so a slow commit does
        not delay the next). Returns the ids and the rate actually achieved."""
        ids: list[str] = []
        lock = threading.Lock()
        total = int(rate * seconds)

        def create() -> None:
            execution = self.control.create(flow)
            with lock:
                ids.append(execution.id)

        with ThreadPoolExecutor(max_workers=6) as pool:
            start = time.perf_counter()
            for n in range(total):
                delay = start + n / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(create)
            pool.shutdown(wait=True)
            took = time.perf_counter() - start
        return ids, len(ids) / max(took, seconds)

    def timings(self, flow_id: str) -> list[tuple[object, object, str]]:
        from sqlalchemy import text

        with self.store.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT start_date, end_date, state FROM executions WHERE flow_id = :f"), {"f": flow_id}
            ).all()
        return [(row.start_date, row.end_date, row.state) for row in rows]

    def unfinished(self, flow_id: str) -> int:
        from sqlalchemy import text

        with self.store.engine.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM executions WHERE flow_id = :f AND end_date IS NULL"), {"f": flow_id}
                ).scalar_one()
            )


@contextmanager
def components(bench: Bench, kind: str, count: int) -> Iterator[list[Component]]:
    started = [bench.start(kind) for _ in range(count)]
    try:
        bench.wait_alive(kind, count)
        yield started
    finally:
        for component in started:
            component.process.terminate()
        for component in started:
            component.stop()


def run(args: argparse.Namespace) -> None:
    worker_counts = [int(n) for n in args.workers.split(",")]
    rates = [float(r) for r in args.rates.split(",")]
    print(f"machine: {os.cpu_count()} CPUs, load average before the run {load_average()}", flush=True)
    with tempfile.TemporaryDirectory() as root:
        bench = Bench(args, Path(root))
        rows: list[str] = []
        knees: list[str] = []
        try:
            with components(bench, "executor", args.executors) as executors:
                for count in worker_counts:
                    bench.forget_components()
                    with components(bench, "worker", count) as workers:
                        warm = bench.flow(f"warm_w{count}")
                        bench.offer(warm, 10, 2)  # processes warm: flows parsed, connections open
                        deadline = time.monotonic() + 15
                        while bench.unfinished(warm.id) and time.monotonic() < deadline:
                            time.sleep(0.2)
                        knee = None
                        passed = None
                        for rate in rates:
                            row, p99, ok = phase(bench, executors, workers, count, rate, args.seconds)
                            rows.append(row)
                            print(row, flush=True)
                            if p99 < 1.0 and ok:
                                knee = rate
                            elif passed is None:
                                passed = rate
                            if not ok:
                                for component in (*executors, *workers):
                                    print(f"--- {component.kind} log tail:\n{component.tail()}", file=sys.stderr)
                                break  # overloaded: the higher rates would only queue up
                        knees.append(
                            f"| {count} | {f'{knee:g}/s ({knee * 60:.0f}/min)' if knee else 'none'} | "
                            f"{f'{passed:g}/s' if passed else f'not reached (≤ {rates[-1]:g}/s)'} |"
                        )
        finally:
            bench.close()
        print(
            "\n| workers | offered/s | completed/min | task runs/s | latency p50 | latency p99 | unfinished "
            "| CPU ms/exec executor / workers / postgres / offer | load avg |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        print("\n".join(rows))
        print("\n| workers | knee: highest rate with p99 < 1 s | p99 passes 1 s at |\n|---|---|---|")
        print("\n".join(knees))
        print(f"\nload average after the run {load_average()}")
        if bench.profile is not None:
            report_profiles(bench.profile)


def phase(
    bench: Bench, executors: list[Component], workers: list[Component], count: int, rate: float, seconds: float
) -> tuple[str, float, bool]:
    flow = bench.flow(f"two_w{count}_r{rate:g}")
    pids = [e.process.pid for e in executors] + [w.process.pid for w in workers]
    cpu_before = [cpu_seconds(pid) for pid in pids]
    pg_before = postgres_cpu()
    own_before = time.process_time()
    window_start = time.time()
    ids, achieved = bench.offer(flow, rate, seconds)
    window_end = time.time()
    cpu_after = [cpu_seconds(pid) for pid in pids]
    pg_after = postgres_cpu()
    own = time.process_time() - own_before
    deadline = time.monotonic() + 10
    while bench.unfinished(flow.id) and time.monotonic() < deadline:
        time.sleep(0.2)
    timings = bench.timings(flow.id)
    latencies = [(end - start).total_seconds() for start, end, _ in timings if end is not None]
    unfinished = sum(1 for _, end, _ in timings if end is None)
    failed = sum(1 for _, end, state in timings if end is not None and state != "SUCCESS")
    in_window = sum(1 for _, end, _ in timings if end is not None and end.timestamp() <= window_end)
    window = window_end - window_start
    per_minute = in_window / window * 60
    latencies += [float("inf")] * unfinished
    p50 = statistics.median(latencies) if latencies else float("nan")
    p99 = percentile(latencies, 0.99) if latencies else float("nan")
    n = max(len(ids), 1)
    split = len(executors)
    cpu_exec = sum(a - b for a, b in zip(cpu_after[:split], cpu_before[:split], strict=True)) / n * 1000
    cpu_workers = sum(a - b for a, b in zip(cpu_after[split:], cpu_before[split:], strict=True)) / n * 1000
    cpu_pg = (pg_after - pg_before) / n * 1000
    cpu_offer = own / n * 1000
    note = f" ({failed} not SUCCESS)" if failed else ""

    def fmt(value: float) -> str:
        return "∞" if value == float("inf") else f"{value * 1000:.0f} ms"

    row = (
        f"| {count} | {rate:g} (achieved {achieved:.1f}) | {per_minute:.0f}{note} | {per_minute * 2 / 60:.1f} | "
        f"{fmt(p50)} | {fmt(p99)} | {unfinished} | {cpu_exec:.1f} / {cpu_workers:.1f} / {cpu_pg:.1f} / "
        f"{cpu_offer:.1f} | {load_average()} |"
    )
    return row, p99, unfinished == 0


def report_profiles(directory: Path) -> None:
    for kind in ("executor", "worker"):
        files = sorted(str(path) for path in directory.glob(f"{kind}-*.prof"))
        if not files:
            continue
        print(f"\n### {kind} ({len(files)} process(es)): top 25 by own time\n")
        stats = pstats.Stats(*files)
        stats.sort_stats("tottime").print_stats(25)
        print(f"\n### {kind}: top 25 by cumulative time\n")
        stats.sort_stats("cumulative").print_stats(25)


def child_profile(out: str, argv: list[str]) -> None:
    """Run `choreo <argv>` under cProfile, writing the profile when it stops (SIGTERM ends it normally)."""
    from choreo.cli.main import app

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        app(argv, standalone_mode=False)
    finally:
        profiler.disable()
        profiler.dump_stats(out)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child-profile":
        child_profile(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a one-minute smoke run: 1 and 2 workers, two rates")
    parser.add_argument("--workers", default="1,2,4", help="worker process counts")
    parser.add_argument("--rates", default="10,25,50,75,100", help="offered executions per second")
    parser.add_argument("--seconds", type=float, default=15, help="length of each offer")
    parser.add_argument("--threads", type=int, default=8, help="--threads of each worker")
    parser.add_argument("--executors", type=int, default=1, help="executor processes (throughout)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432", help="server URL, no database")
    parser.add_argument("--profile", help="run the executor and workers under cProfile, profiles in this directory")
    args = parser.parse_args()
    if args.quick:
        args.workers, args.rates, args.seconds = "1,2", "10,50", 6
    run(args)


if __name__ == "__main__":
    main()
