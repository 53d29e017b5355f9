"""Real `choreo server <component>` processes against one PostgreSQL database, for the fault-injection suite.

`Cluster` owns a throw-away database (`choreo_fault_<random>`, dropped WITH (FORCE) at the end), one shared
CHOREO_HOME (so internal storage is shared), and every process it started: `close()` kills whatever still runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import create_engine, text

from server_process import free_port

CHOREO = str(Path(sys.executable).parent / "choreo")
ADMIN_URL = os.environ.get("CHOREO_TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
HEARTBEAT_INTERVAL = 0.5
HEARTBEAT_TIMEOUT = 3.0

T = TypeVar("T")


def wait_for(condition: Callable[[], T], timeout: float, what: str, *, every: float = 0.1) -> T:
    """Poll `condition` until it returns something truthy (returned) or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {value!r})")
        time.sleep(every)


def _admin_engine() -> Any:
    url = ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)  # survives a server restart


def postgres_ready(timeout: float = 60) -> None:
    """Wait until the server accepts connections (after a restart)."""
    engine = _admin_engine()
    try:

        def ping() -> bool:
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return True
            except Exception:
                return False

        wait_for(ping, timeout, "PostgreSQL to accept connections", every=0.2)
    finally:
        engine.dispose()


class Component:
    """One `choreo server <command>` process; its output goes to a log file in the cluster's home."""

    def __init__(self, cluster: Cluster, command: str, *args: str, name: str | None = None) -> None:
        self.cluster = cluster
        self.command = command
        self.name = name or command
        self.log = cluster.home / f"{self.name}-{uuid.uuid4().hex[:6]}.log"
        self._output = self.log.open("w")
        self.process = subprocess.Popen(
            [CHOREO, "server", command, *args],
            env=cluster.env,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # signals sent to the test (Ctrl-C) do not reach it; we stop it ourselves
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal(self, signum: int) -> None:
        if self.alive():
            os.kill(self.pid, signum)

    def kill(self) -> None:
        """`kill -9`: no clean-up, no deregistration; the others must notice the silence."""
        self.signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self, timeout: float = 30) -> int:
        self.signal(signal.SIGCONT)  # a stopped process cannot handle SIGTERM
        self.signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.process.wait()

    def output(self) -> str:
        self._output.flush()
        return self.log.read_text(errors="replace")

    def close(self) -> None:
        if self.alive():
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGKILL)
            self.process.wait(10)
        self._output.close()


class Cluster:
    """A database, a home directory and the processes of one test."""

    def __init__(self, home: Path) -> None:
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.database = f"choreo_fault_{uuid.uuid4().hex[:10]}"
        self._admin = _admin_engine()
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.database}"'))
        base = ADMIN_URL.rsplit("/", 1)[0]
        self.url = f"{base}/{self.database}"
        self.env = {
            **os.environ,
            "CHOREO_HOME": str(home),
            "CHOREO_DATABASE_URL": self.url,
            "CHOREO_HEARTBEAT_INTERVAL": str(HEARTBEAT_INTERVAL),
            "CHOREO_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT),
            "PYTHONUNBUFFERED": "1",
        }
        self.config: Path | None = None
        self.components: list[Component] = []
        self.api: str | None = None
        self._store: Any = None

    def grace_period(self, seconds: float) -> None:
        """Processes started from now on drain their workers for `seconds` on SIGTERM (`server.gracePeriod`)."""
        self.config = self.home / "choreo.yaml"
        self.config.write_text(f"server:\n  gracePeriod: {seconds}\n")

    # -- processes ---------------------------------------------------------------------------------------------------
    def start(self, command: str, *args: str, name: str | None = None) -> Component:
        if self.config is not None:
            args = ("--config", str(self.config), *args)
        component = Component(self, command, *args, name=name)
        self.components.append(component)
        return component

    def webserver(self) -> Component:
        port = free_port()
        component = self.start("webserver", "--port", str(port))
        self.api = f"http://127.0.0.1:{port}/api/v1/main"

        def up() -> bool:
            if not component.alive():
                raise AssertionError(f"the webserver exited:\n{component.output()}")
            try:
                return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code < 500
            except httpx.TransportError:
                return False

        wait_for(up, 30, "the webserver")
        return component

    def executor(self) -> Component:
        return self.start("executor")

    def worker(self, threads: int = 4) -> Component:
        return self.start("worker", "--threads", str(threads))

    def scheduler(self) -> Component:
        return self.start("scheduler")

    def live(self, kind: str) -> list[dict[str, Any]]:
        """The live components of `kind` (executor, worker…), as the API lists them."""
        response = httpx.get(f"{self.api}/cluster/components", timeout=5)
        response.raise_for_status()
        return [c for c in response.json() if c["type"] == kind.upper() and c["alive"]]

    def wait_live(self, kind: str, count: int, timeout: float = 30) -> list[dict[str, Any]]:
        def enough() -> list[dict[str, Any]] | None:
            found = self.live(kind)
            return found if len(found) >= count else None

        return wait_for(enough, timeout, f"{count} live {kind}(s)")

    # -- API ---------------------------------------------------------------------------------------------------------
    def create_flow(self, source: str) -> dict[str, Any]:
        response = httpx.post(
            f"{self.api}/flows", content=source, headers={"Content-Type": "application/x-yaml"}, timeout=10
        )
        assert response.status_code == 200, response.text
        return response.json()

    def execute(self, namespace: str, flow_id: str) -> str:
        response = httpx.post(f"{self.api}/executions/{namespace}/{flow_id}", timeout=10)
        assert response.status_code == 200, response.text
        return str(response.json()["id"])

    # -- the store, read directly ------------------------------------------------------------------------------------
    @property
    def store(self) -> Any:
        if self._store is None:
            from choreo.store import Store

            self._store = Store(self.url)
        return self._store

    def close(self) -> None:
        for component in self.components:
            try:
                component.close()
            except Exception:  # keep killing the others
                pass
        if self._store is not None:
            self._store.close()
        try:
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
        finally:
            self._admin.dispose()

    def logs(self) -> str:
        """Every process's output, for a failing assertion's message."""
        return "\n".join(f"===== {c.name} ({c.log.name})\n{c.output()[-4000:]}" for c in self.components)


# -- reading what happened -------------------------------------------------------------------------------------------
def ended(cluster: Cluster, execution_ids: list[str]) -> list[Any] | None:
    """The executions, once every one of them is terminal with no task run left running; None before."""
    from choreo.engine.services import ended as execution_ended

    executions = [cluster.store.executions.get(execution_id) for execution_id in execution_ids]
    if all(e is not None and execution_ended(e) for e in executions):
        return executions
    return None


def wait_ended(cluster: Cluster, execution_ids: list[str], timeout: float) -> list[Any]:
    """Every execution terminal, within `timeout` seconds (the failure message carries every process's output)."""
    try:
        return wait_for(lambda: ended(cluster, execution_ids), timeout, f"{len(execution_ids)} execution(s) to end")
    except AssertionError as exc:
        states = {}
        for execution_id in execution_ids:
            execution = cluster.store.executions.get(execution_id)
            states[execution_id] = execution.state.current.value if execution else None
        raise AssertionError(f"{exc}\nstates: {states}\n{cluster.logs()}") from None


def wait_running(cluster: Cluster, execution_ids: list[str], count: int, timeout: float = 20) -> None:
    """Until at least `count` of the executions are RUNNING at once."""

    def enough() -> bool:
        found = [cluster.store.executions.get(execution_id) for execution_id in execution_ids]
        return sum(1 for e in found if e is not None and e.state.current.value == "RUNNING") >= count

    wait_for(enough, timeout, f"{count} executions in flight", every=0.02)


def task_job_holders(cluster: Cluster) -> dict[str, str]:
    """Task run id → the consumer (worker) that holds its job now."""
    from choreo.engine.jobs import TASK_JOB, TaskJob
    from choreo.store.schema import queue

    with cluster.store.engine.connect() as conn:
        rows = conn.execute(queue.select().where(queue.c.kind == TASK_JOB, queue.c.claimed_by.is_not(None))).all()
    return {TaskJob.from_payload(row.payload).task_run_id: row.claimed_by for row in rows}


def pid_of(consumer_id: str) -> int:
    """The process of a consumer id (`host:pid:component:random`)."""
    return int(consumer_id.split(":")[-3])


def assert_nothing_running(executions: list[Any]) -> None:
    """No execution, task run or attempt is left RUNNING (or in any other non-terminal state)."""
    for execution in executions:
        assert execution.state.current.is_terminal, execution.id
        for run in execution.task_run_list:
            assert run.state.current.is_terminal, (execution.id, run.task_id, run.state.current)
            for attempt in run.attempts:
                assert attempt.state.current.is_terminal, (execution.id, run.task_id, run.attempts)
