"""Realtime triggers (a message broker, a queue…): each live flow's realtime trigger listens in a task of its own,
and each event it receives becomes one execution — stored (with its start queued) before the event is
acknowledged, so a crash at any moment loses no event (one may be delivered again after a crash before its ack).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from choreo.engine.context import KeyValues, TaskLogger, TriggerServices
from choreo.engine.control import ExecutionControl
from choreo.engine.stored_flows import StoredFlows
from choreo.errors import ChoreoError
from choreo.expr import ExpressionEngine
from choreo.model.execution import ExecutionTrigger
from choreo.model.flow import Flow
from choreo.model.trigger import Trigger
from choreo.plugins.context import TriggerEvent
from choreo.store import LogEntry, Store

log = logging.getLogger("choreo.triggers")

#: Live flows are re-read this often for realtime triggers that appeared, changed or went away.
SYNC_SECONDS = 2.0
#: A listener that fails (broker down…) starts again after this delay.
RESTART_SECONDS = 2.0

Key = tuple[str, str, str]


class ListenContext:
    """The TriggerContext a listening trigger gets."""

    def __init__(
        self, flow: Flow, trigger: Trigger, expressions: ExpressionEngine, services: TriggerServices, store: Store
    ) -> None:
        self.namespace, self.flow_id, self.trigger_id = flow.namespace, flow.id, trigger.id
        self._expressions = expressions
        self._services = services
        self._store = store
        self.logger = TaskLogger(self._log)

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        return self._expressions.render_value(value, dict(extra or {}), self._services)

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
    ) -> None:
        self.store = store
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
            await asyncio.gather(*(task for _, task in self._listeners.values()), return_exceptions=True)
            self._listeners.clear()

    def sync(self) -> None:
        """Start listeners for new realtime triggers, restart those whose flow changed, stop the others."""
        wanted: dict[Key, tuple[int, Flow, Trigger]] = {}
        for (namespace, flow_id), revision in self.store.flows.latest_revisions().items():
            flow = self.flows.get(namespace, flow_id, revision)
            if flow is None or flow.disabled:
                continue
            for trigger in flow.triggers or ():
                if getattr(trigger, "listen", None) is not None and not trigger.disabled:
                    wanted[(namespace, flow_id, trigger.id)] = (revision, flow, trigger)
        for key, (revision, task) in list(self._listeners.items()):
            if key not in wanted or wanted[key][0] != revision or task.done():
                task.cancel()
                del self._listeners[key]
        for key, (revision, flow, trigger) in wanted.items():
            if key not in self._listeners:
                task = asyncio.get_running_loop().create_task(self._listen(flow, trigger), name=f"listen {key}")
                self._listeners[key] = (revision, task)

    async def _listen(self, flow: Flow, trigger: Trigger) -> None:
        services = TriggerServices(self.secrets, self.kv, flow.namespace)
        context = ListenContext(flow, trigger, self.expressions, services, self.store)
        while True:
            try:
                async for event in trigger.listen(context):  # type: ignore[attr-defined]
                    await asyncio.to_thread(self._start, flow, trigger, event, services, context)
                    if event.ack is not None:
                        await event.ack()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a broker that is down, a bad URL…: said in the trigger's logs, tried again
                context.logger.error(f"realtime trigger '{trigger.id}' stopped: {type(exc).__name__}: {exc}")
            await asyncio.sleep(RESTART_SECONDS)

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
