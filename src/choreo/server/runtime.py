"""One process's components on one store: executor, worker and scheduler services, the execution controls the API
calls, live updates, and the flows deployed from a directory."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from choreo.app import Choreo
from choreo.engine.context import secrets_from_env
from choreo.engine.control import ExecutionControl
from choreo.engine.executor import Executor
from choreo.engine.flow_triggers import FlowTriggers
from choreo.engine.liveness import Liveness, LivenessSettings, describe
from choreo.engine.persistence import StoreAdmin, StoreKeyValues, StoreLogReader
from choreo.engine.scheduler import SchedulerService
from choreo.engine.services import ExecutorService, WorkerService
from choreo.engine.stored_flows import StoredFlows
from choreo.engine.trigger_runner import TriggerRunner
from choreo.engine.worker import Worker
from choreo.model.state import TERMINAL_STATES
from choreo.server.config import ServerConfig
from choreo.server.deploy import FlowDirectory
from choreo.server.live import LiveUpdates
from choreo.storage import LocalStorage
from choreo.store import Store

log = logging.getLogger(__name__)

RETENTION_CHECK_SECONDS = 3600.0
COMPONENTS = frozenset({"executor", "worker", "scheduler", "triggers"})


def consumer_id(component: str) -> str:
    """Unique per process and component: `host:pid:component:random`."""
    return f"{socket.gethostname()}:{os.getpid()}:{component}:{uuid.uuid4().hex[:8]}"


class Runtime:
    """Everything `server local` runs, built from the configuration; `run()` serves until `stop` is set."""

    def __init__(self, config: ServerConfig, app: Choreo | None = None) -> None:
        self.config = config
        self.app = app or Choreo()
        config.home.mkdir(parents=True, exist_ok=True)
        config.storage.mkdir(parents=True, exist_ok=True)
        self.store = Store.open(config.database)
        self.storage = LocalStorage(config.storage)
        self.flows = StoredFlows(self.store, self.app.flows)
        self.live = LiveUpdates()
        self.executor = Executor(self.app.expressions)
        self.worker = Worker(
            expressions=self.app.expressions,
            storage=self.storage,
            kv=StoreKeyValues(self.store),
            secrets=secrets_from_env(),
            on_log=lambda *args: None,  # replaced by the worker service, which knows each attempt's execution
            task_loader=self.app.load_task,
        )
        self.worker_service = WorkerService(
            self.store,
            self.worker,
            self.flows,
            self.executor.tasks_of,
            consumer_id=consumer_id("worker"),
            threads=config.worker_threads,
            group=config.worker_group,
            on_logs=self.live.logs,
        )
        self.worker.logs = StoreLogReader(self.store, flush=self.worker_service._flush)
        self.worker.admin = StoreAdmin(self.store, self.storage)
        self.executor_service = ExecutorService(
            self.store,
            self.executor,
            self.flows,
            self.storage,
            consumer_id=consumer_id("executor"),
            on_update=self.live.execution,
            on_cancel=self.worker_service.cancel,
            on_ended=lambda execution: self.worker.release(execution.id),
            on_logs=self.live.logs,
            flow_triggers=FlowTriggers(self.store, self.flows, self.app.expressions),
            worker_group_alive=self._worker_group_alive,
        )
        self.control = ExecutionControl(self.store, self.flows, self.storage)
        self.trigger_runner = TriggerRunner(
            self.store,
            self.flows,
            self.control,
            self.app.expressions,
            secrets=self.worker.secrets,
            kv=self.worker.kv,
            storage=self.storage,
            owner=consumer_id("triggers"),
        )
        self.scheduler = SchedulerService(
            self.store, self.flows, self.control, self.app.expressions, owner=consumer_id("scheduler")
        )
        self.webserver_id = consumer_id("webserver")
        self._live_groups: set[str] = set()
        self._groups_read_at = -1e9
        self.flow_directory = FlowDirectory(self.app, self.store, config.flow_path) if config.flow_path else None

    def _worker_group_alive(self, group: str) -> bool:
        """A worker of `group` has a fresh heartbeat (read at most once a second: dispatching stays cheap)."""
        now = time.monotonic()
        if now - self._groups_read_at > 1.0:
            timeout = timedelta(seconds=self.config.heartbeat_timeout)
            live = self.store.components.live(timeout)
            self._live_groups = {c.worker_group for c in live if c.kind == "worker" and c.worker_group}
            self._groups_read_at = now
        return group in self._live_groups

    def recover(self) -> int:
        """What a process that is gone held is free again: its queue jobs, its trigger leases (one server per
        embedded store)."""
        self.store.triggers.unlock_all()
        return self.store.queue.reclaim_stale(timedelta(0))

    def liveness(self, components: frozenset[str], *, webserver: bool = False) -> Liveness:
        """Heartbeats of the components this process runs; a worker that loses the store stops its attempts."""
        ids = {
            "executor": self.executor_service.consumer_id,
            "worker": self.worker_service.consumer_id,
            "scheduler": self.scheduler.owner,
            "triggers": self.trigger_runner.owner,
        }
        described = [
            describe(
                ids[name],
                name,
                worker_group=self.config.worker_group if name == "worker" else None,
                threads=self.config.worker_threads if name == "worker" else None,
            )
            for name in sorted(components)
        ]
        if webserver:
            described.append(describe(self.webserver_id, "webserver"))
        settings = LivenessSettings(self.config.heartbeat_interval, self.config.heartbeat_timeout)
        if "worker" not in components:
            return Liveness(self.store, described, settings)
        worker = self.worker_service
        return Liveness(
            self.store,
            described,
            settings,
            on_store_lost=worker.abandon_all,
            on_declared_dead=worker.abandon_taken_back,
        )

    async def run(
        self, stop: asyncio.Event, components: frozenset[str] = COMPONENTS, *, webserver: bool = False
    ) -> None:
        """Run `components` (executor, worker, scheduler, triggers: the realtime listeners) until `stop` is set."""
        if components == COMPONENTS and self.store.backend == "sqlite":
            self.recover()  # alone on its embedded store: what a dead process had claimed is free again
        if self.flow_directory is not None:
            self.flow_directory.sync()
        services = {
            "executor": self.executor_service.run,
            "worker": self.worker_service.run,
            "scheduler": self.scheduler.run,
            "triggers": self.trigger_runner.run,
        }
        tasks = [asyncio.create_task(services[name](stop), name=name) for name in sorted(components)]
        liveness_stop = asyncio.Event()  # beats until the workers have drained, so they are not declared dead
        liveness = asyncio.create_task(self.liveness(components, webserver=webserver).run(liveness_stop))
        if self.flow_directory is not None:
            tasks.append(asyncio.create_task(self.flow_directory.watch(stop), name="flow-directory"))
        if self.config.retention_days > 0:
            tasks.append(asyncio.create_task(self._purge_old_executions(stop), name="retention"))
        # Live views follow executions advanced by executors in other processes too (PostgreSQL announces them).
        stop_listening = (
            self.store.on_execution_saved(self._saved_elsewhere(asyncio.get_running_loop())) if webserver else None
        )
        try:
            await stop.wait()
        finally:
            if stop_listening is not None:
                stop_listening()
            if "worker" in components:
                await self.worker_service.drain(self.config.grace_period)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            liveness_stop.set()
            await liveness

    def _saved_elsewhere(self, loop: asyncio.AbstractEventLoop) -> Callable[[str], None]:
        def deliver(execution_id: str) -> None:  # called from the listener's thread
            try:
                loop.call_soon_threadsafe(self.live.changed, execution_id)
            except RuntimeError:  # the loop is closed: shutting down
                pass

        return deliver

    async def _purge_old_executions(self, stop: asyncio.Event) -> None:
        """Every hour: delete ended executions (with their logs, metrics and files) older than the retention."""
        while not stop.is_set():
            cutoff = datetime.now(UTC) - timedelta(days=self.config.retention_days)
            deleted = 0
            while True:
                found = self.store.executions.search(states=TERMINAL_STATES, start_before=cutoff, size=100)
                for execution in found.items:
                    await asyncio.to_thread(self.control.delete, execution.id)
                    deleted += 1
                if len(found.items) < 100:
                    break
            if deleted:
                log.info("retention: deleted %d execution(s) started before %s", deleted, cutoff.isoformat())
            try:
                await asyncio.wait_for(stop.wait(), RETENTION_CHECK_SECONDS)
            except TimeoutError:
                pass

    def close(self) -> None:
        self.store.close()
