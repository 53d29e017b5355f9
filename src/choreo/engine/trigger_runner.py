"""Realtime and polling triggers (a message broker, an HTTP endpoint…): each such trigger of the live flows runs in
a task of its own — a realtime one listens, a polling one is asked every `interval` — and each event it yields
becomes one execution, stored (with its start queued) before the event is acknowledged: a crash at any moment loses
no event (one may be delivered again after a crash before its ack).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from choreo.engine.context import KeyValues, TaskLogger, TriggerServices
from choreo.engine.control import ExecutionControl
from choreo.engine.stored_flows import StoredFlows
from choreo.errors import ChoreoError
from choreo.expr import ExpressionEngine
from choreo.model.execution import ExecutionTrigger, new_id
from choreo.model.flow import Flow
from choreo.model.trigger import Trigger
from choreo.plugins.context import TriggerEvent
from choreo.storage import LocalStorage, flow_uri, sanitize_filename
from choreo.store import LogEntry, Store
from choreo.store.records import TriggerState

log = logging.getLogger("choreo.triggers")

#: Live flows are re-read this often for realtime triggers that appeared, changed or went away.
SYNC_SECONDS = 2.0
#: Each trigger is listened to by one process at a time, under a lease renewed at each sync; a process that dies
#: loses its leases after this long and another one takes the triggers over.
LEASE = timedelta(seconds=30)
#: Listeners get this long to close their connections when the process stops.
STOP_SECONDS = 10.0
#: A listener that fails (broker down…) starts again after this delay.
RESTART_SECONDS = 2.0

Key = tuple[str, str, str]


class ListenContext:
    """The TriggerContext a listening trigger gets."""

    def __init__(
        self,
        flow: Flow,
        trigger: Trigger,
        expressions: ExpressionEngine,
        services: TriggerServices,
        store: Store,
        storage: LocalStorage,
    ) -> None:
        self.namespace, self.flow_id, self.trigger_id = flow.namespace, flow.id, trigger.id
        self._storage = storage
        stored = store.triggers.get(flow.namespace, flow.id, trigger.id)
        self.state: dict[str, Any] = dict((stored.context if stored else {}).get("polling") or {})
        self._expressions = expressions
        self._services = services
        self._store = store
        self.logger = TaskLogger(self._log)

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        return self._expressions.render_value(value, dict(extra or {}), self._services)

    def put_file(self, name: str, data: bytes) -> str:
        """A trigger's file (a batch of messages…), under the flow's `triggers/{trigger}/` in internal storage."""
        uri = (
            f"{flow_uri(self.namespace, self.flow_id)}/triggers/{self.trigger_id}/{new_id()}/{sanitize_filename(name)}"
        )
        return self._storage.put(uri, data)

    def _log(self, level: str, message: str) -> None:
        entry = LogEntry(
            namespace=self.namespace, flow_id=self.flow_id, trigger_id=self.trigger_id, level=level, message=message
        )
        self._store.logs.append([entry])


class TriggerRunner:
    def __init__(
        self,
        store: Store,
        flows: StoredFlows,
        control: ExecutionControl,
        expressions: ExpressionEngine,
        *,
        secrets: Mapping[str, str],
        kv: KeyValues,
        storage: LocalStorage,
        owner: str = "triggers",
    ) -> None:
        self.store = store
        self.storage = storage
        self.owner = owner  # the lease holder's name: one process listens to each trigger
        self.flows = flows
        self.control = control
        self.expressions = expressions
        self.secrets = secrets
        self.kv = kv
        self._listeners: dict[Key, tuple[int, asyncio.Task[None]]] = {}  # trigger → (flow revision, listening task)

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                self.sync()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), SYNC_SECONDS)
        finally:
            for _, task in self._listeners.values():
                task.cancel()
            tasks = [task for _, task in self._listeners.values()]
            if tasks:  # bounded: a broker client that never finishes closing must not keep the process alive
                await asyncio.wait(tasks, timeout=STOP_SECONDS)
            for key in self._listeners:  # another process may take them over at once
                self.store.triggers.unlock(*key, self.owner)
            self._listeners.clear()

    def sync(self) -> None:
        """Start listeners for new realtime triggers, restart those whose flow changed, stop the others."""
        wanted: dict[Key, tuple[int, Flow, Trigger]] = {}
        for (namespace, flow_id), revision in self.store.flows.latest_revisions().items():
            flow = self.flows.get(namespace, flow_id, revision)
            if flow is None or flow.disabled:
                continue
            for trigger in flow.triggers or ():
                if _runs_here(trigger) and not trigger.disabled:
                    wanted[(namespace, flow_id, trigger.id)] = (revision, flow, trigger)
        for key, (revision, task) in list(self._listeners.items()):
            # Renewing the lease also tells whether another process took it (ours had expired): then stop.
            kept = key in wanted and self.store.triggers.try_lock(*key, self.owner, LEASE)
            if not kept or wanted[key][0] != revision or task.done():
                task.cancel()
                del self._listeners[key]
                if kept and key not in wanted:
                    self.store.triggers.unlock(*key, self.owner)
        for key, (revision, flow, trigger) in wanted.items():
            if key not in self._listeners and self.store.triggers.try_lock(*key, self.owner, LEASE):
                task = asyncio.get_running_loop().create_task(self._listen(flow, trigger), name=f"listen {key}")
                self._listeners[key] = (revision, task)

    async def _listen(self, flow: Flow, trigger: Trigger) -> None:
        services = TriggerServices(self.secrets, self.kv, flow.namespace)
        context = ListenContext(flow, trigger, self.expressions, services, self.store, self.storage)
        listen = getattr(trigger, "listen", None)
        while True:
            try:
                if listen is not None:
                    async for event in listen(context):
                        await self._handle(flow, trigger, event, services, context)
                else:  # a polling trigger: every `interval`, what it found
                    for event in await trigger.poll(context):  # type: ignore[attr-defined]
                        await self._handle(flow, trigger, event, services, context)
                    await asyncio.to_thread(self._save_state, flow, trigger, context.state)
                    await asyncio.sleep(_seconds(getattr(trigger, "interval", None)))
                    continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a broker that is down, a bad URL…: said in the trigger's logs, tried again
                context.logger.error(f"trigger '{trigger.id}' stopped: {type(exc).__name__}: {exc}")
            await asyncio.sleep(RESTART_SECONDS)

    async def _handle(
        self, flow: Flow, trigger: Trigger, event: TriggerEvent, services: TriggerServices, context: ListenContext
    ) -> None:
        await asyncio.to_thread(self._start, flow, trigger, event, services, context)
        if event.ack is not None:
            await event.ack()

    def _save_state(self, flow: Flow, trigger: Trigger, polling: dict[str, Any]) -> None:
        key = (flow.namespace, flow.id, trigger.id)
        with self.store.transaction() as tx:
            state = tx.triggers.get(*key) or TriggerState(namespace=key[0], flow_id=key[1], trigger_id=key[2])
            if state.context.get("polling") != polling:
                tx.triggers.put(replace(state, context={**state.context, "polling": dict(polling)}))

    def _start(
        self, flow: Flow, trigger: Trigger, event: TriggerEvent, services: TriggerServices, context: ListenContext
    ) -> None:
        """Store the execution for one event (inputs rendered from `trigger.*`); an event that cannot start one is
        logged and acknowledged: retrying it would fail the same way."""
        variables = event.variables
        try:
            inputs = getattr(trigger, "inputs", None)
            rendered = self.expressions.render_value(inputs, {"trigger": variables}, services) if inputs else {}
            execution = self.control.prepare(
                flow,
                rendered,
                labels={label.key: label.value for label in trigger.labels or ()},
                trigger=ExecutionTrigger(id=trigger.id, type=trigger.type, variables=variables),
            )
        except ChoreoError as exc:
            context.logger.error(f"no execution for an event of '{trigger.id}': {exc}")
            return
        with self.store.transaction() as tx:
            self.control.enqueue(tx, execution)


def _runs_here(trigger: Trigger) -> bool:
    """Realtime triggers (`listen`) and polling ones (`poll`); schedules, flows and webhooks run elsewhere."""
    return getattr(trigger, "listen", None) is not None or getattr(trigger, "poll", None) is not None


def _seconds(interval: Any) -> float:
    if isinstance(interval, timedelta):
        return max(interval.total_seconds(), 0.1)
    return 60.0  # Kestra's default polling interval
