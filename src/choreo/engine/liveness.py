"""Liveness across processes: each process's components heartbeat into the store; a component whose heartbeat is
older than the timeout is dead, and any live process hands what it held to the others.

- a dead worker's attempts are resubmitted: the executor marks the attempt RESUBMITTED and starts a new one (at
  least once, never silently lost; the resubmission shows in the task run's history and in the execution's logs);
- a dead executor's (or scheduler's) claimed queue jobs are put back for the others (nothing of theirs committed:
  an event is handled in one transaction).

A worker commits an attempt's result only while it still holds the job (see WorkerService), so an attempt that was
resubmitted can never commit as well; and a worker that cannot reach the store for longer than the timeout stops
its own attempts.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from choreo.engine.events import TaskResult
from choreo.engine.jobs import TASK_JOB, TaskJob
from choreo.engine.services import push_event
from choreo.model.state import State
from choreo.store import LogEntry, Store
from choreo.store.components import Component
from choreo.store.records import utcnow
from choreo.store.store import UnitOfWork

log = logging.getLogger("choreo.liveness")

HEARTBEAT_SECONDS = 3.0
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class LivenessSettings:
    interval: float = HEARTBEAT_SECONDS
    timeout: float = TIMEOUT_SECONDS


def describe(component_id: str, kind: str, *, worker_group: str | None = None, threads: int | None = None) -> Component:
    now = utcnow()
    return Component(
        id=component_id,
        kind=kind,
        host=socket.gethostname(),
        pid=os.getpid(),
        worker_group=worker_group,
        threads=threads,
        started=now,
        heartbeat=now,
    )


class Liveness:
    """Beats for this process's components, reaps the dead ones (of any process), and tells a worker to stop the
    attempts that are (or are about to be) resubmitted elsewhere: `on_store_lost` when the store has been unreachable
    for longer than the timeout, `on_declared_dead` when this process was silent that long (stopped, swapped out…)
    and finds on its next beat that the others reaped it. Both are called on the event loop."""

    def __init__(
        self,
        store: Store,
        components: list[Component],
        settings: LivenessSettings = LivenessSettings(),
        *,
        on_store_lost: Callable[[], None] | None = None,
        on_declared_dead: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.components = components
        self.settings = settings
        self.on_store_lost = on_store_lost
        self.on_declared_dead = on_declared_dead
        self._last_beat = time.monotonic()
        self._lost = False
        self._registered = False

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                react = await asyncio.to_thread(self.tick)
                if react is not None:
                    react()
                try:
                    await asyncio.wait_for(stop.wait(), self.settings.interval)
                except TimeoutError:
                    pass
        finally:
            try:
                self.store.components.remove([c.id for c in self.components])  # a clean stop leaves at once
            except Exception:  # the store is gone: the others will find the heartbeat stale
                log.warning("could not deregister the components on stop")

    def tick(self) -> Callable[[], None] | None:
        """One beat (and reaping); what this process must do about its own attempts, if anything."""
        try:
            registered = self.store.components.beat(self.components)
        except Exception as exc:  # the store is unreachable: keep trying; past the timeout, stop our attempts
            silent = time.monotonic() - self._last_beat
            log.warning("heartbeat failed (%s: %s); last one %.1f s ago", type(exc).__name__, exc, silent)
            if silent > self.settings.timeout and not self._lost:
                self._lost = True
                log.error("no heartbeat for %.1f s: stopping this process's running attempts", silent)
                return self.on_store_lost
            return None
        react = None
        if registered and self._registered:
            log.error(
                "this process was declared dead while silent (%s): attempts resubmitted elsewhere are stopped",
                ", ".join(sorted(registered)),
            )
            react = self.on_declared_dead
        self._registered = True
        self._last_beat = time.monotonic()
        self._lost = False
        try:
            self.reap()
        except Exception:  # reaping is retried at the next beat
            log.exception("reaping dead components failed")
        return react

    def reap(self) -> list[str]:
        """Hand over what dead components held; the ids of those this call reaped."""
        timeout = timedelta(seconds=self.settings.timeout)
        reaped = []
        for dead in self.store.components.stale(timeout):
            with self.store.transaction() as tx:
                if not tx.components.remove_if_stale(dead.id, timeout):
                    continue  # another process reaped it first, or it came back
                resubmitted = self._resubmit_attempts(tx, dead) if dead.kind == "worker" else 0
                released = tx.queue.reclaim_consumer(dead.id)
                tx.triggers.unlock_owner(dead.id)  # a scheduler's claims: due again for the others
            reaped.append(dead.id)
            silent = (utcnow() - dead.heartbeat).total_seconds()
            log.warning(
                "%s %s (%s, pid %d) is dead (no heartbeat for %.0f s): %d attempt(s) resubmitted, %d job(s) released",
                dead.kind,
                dead.id,
                dead.host,
                dead.pid,
                silent,
                resubmitted,
                released,
            )
        return reaped

    @staticmethod
    def _resubmit_attempts(tx: UnitOfWork, dead: Component) -> int:
        jobs = tx.queue.claimed_by(dead.id, TASK_JOB)
        entries = []
        for job in jobs:
            payload = TaskJob.from_payload(job.payload)
            push_event(tx, payload.execution_id, TaskResult(payload.task_run_id, State.RESUBMITTED))
            entries.append(
                LogEntry(
                    namespace=payload.namespace,
                    flow_id=payload.flow_id,
                    execution_id=payload.execution_id,
                    task_id=payload.task_id,
                    task_run_id=payload.task_run_id,
                    attempt_number=payload.attempt,
                    level="WARN",
                    message=(
                        f"worker {dead.id} on {dead.host} stopped answering: attempt {payload.attempt} of "
                        f"'{payload.task_id}' is resubmitted"
                    ),
                )
            )
        if jobs:
            tx.queue.ack([job.id for job in jobs])
            tx.logs.append(entries)
        return len(jobs)
