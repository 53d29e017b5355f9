"""Flow triggers: when an execution ends, the flows whose `io.kestra.plugin.core.trigger.Flow` trigger accepts it
(its `states`, `conditions` and `preconditions`) get an execution, in the transaction that records the end.

`preconditions.flows` are remembered per trigger (in its stored state) until every upstream flow has had a matching
execution within the time window; then the trigger fires once and, with `resetOnSuccess`, starts over.
"""

from __future__ import annotations

import logging
import time as monotonic
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from choreo.engine.control import ExecutionControl
from choreo.engine.stored_flows import StoredFlows
from choreo.errors import ChoreoError
from choreo.expr import ExpressionEngine
from choreo.model.execution import Execution, ExecutionTrigger
from choreo.model.flow import Flow
from choreo.plugins.core.trigger.flow import Flow as FlowTrigger
from choreo.plugins.core.trigger.flow import UpstreamFlow
from choreo.store import LogEntry, Store
from choreo.store.records import TriggerState

log = logging.getLogger("choreo.flow_triggers")

#: The flows' Flow triggers are re-read at most this often (a new trigger is seen within this delay).
REFRESH_SECONDS = 2.0
DEFAULT_WINDOW = timedelta(days=1)


class FlowTriggers:
    def __init__(self, store: Store, flows: StoredFlows, expressions: ExpressionEngine) -> None:
        self.store = store
        self.flows = flows
        self.expressions = expressions
        self._index: list[tuple[Flow, FlowTrigger]] = []
        self._read_at: float | None = None

    def triggers(self) -> list[tuple[Flow, FlowTrigger]]:
        """Every live flow's Flow triggers (cached for REFRESH_SECONDS)."""
        now = monotonic.monotonic()
        if self._read_at is None or now - self._read_at > REFRESH_SECONDS:
            index = []
            page = 1
            while True:
                found = self.store.flows.list(page=page, size=500)
                for record in found.items:
                    flow = self.flows.parse(record)
                    index.extend((flow, t) for t in flow.triggers or () if isinstance(t, FlowTrigger))
                if page * found.size >= found.total:
                    break
                page += 1
            self._index, self._read_at = index, now
        return self._index

    def on_ended(self, tx: Any, execution: Execution, now: datetime) -> list[LogEntry]:
        """Create the executions the ended `execution` triggers, in `tx`; log lines for what could not be."""
        logs: list[LogEntry] = []
        for flow, trigger in self.triggers():
            if flow.disabled or trigger.disabled or execution.state.current not in trigger.states:
                continue
            variables = {
                "executionId": execution.id,
                "namespace": execution.namespace,
                "flowId": execution.flow_id,
                "flowRevision": execution.flow_revision,
                "state": execution.state.current.value,
                "outputs": execution.outputs or {},
                "labels": {label.key: label.value for label in execution.labels},
            }
            try:
                if not self._conditions_hold(flow, trigger, execution, variables):
                    continue
                if trigger.preconditions is not None and not self._preconditions_met(tx, flow, trigger, execution, now):
                    continue
                inputs = self.expressions.render_value(trigger.inputs or {}, {"trigger": variables})
                labels = {label.key: label.value for label in trigger.labels or ()}
                new = ExecutionControl.prepare(
                    flow,
                    inputs,
                    labels=labels,
                    trigger=ExecutionTrigger(id=trigger.id, type=trigger.type, variables=variables),
                )
            except ChoreoError as exc:
                logs.append(
                    LogEntry(
                        namespace=flow.namespace,
                        flow_id=flow.id,
                        trigger_id=trigger.id,
                        level="ERROR",
                        message=f"Flow trigger '{trigger.id}' could not start on execution {execution.id}: {exc}",
                    )
                )
                continue
            ExecutionControl.enqueue(tx, new)
        return logs

    def _conditions_hold(
        self, flow: Flow, trigger: FlowTrigger, execution: Execution, variables: dict[str, Any]
    ) -> bool:
        if not trigger.conditions:
            return True
        from choreo.engine.conditions import ConditionContext, all_hold

        context = ConditionContext(
            execution=execution,
            flow_namespace=flow.namespace,
            flow_id=flow.id,
            variables={"trigger": variables, "flow": {"namespace": flow.namespace, "id": flow.id}},
            render=self.expressions.render_value,
        )
        return all_hold(trigger.conditions, context)

    def _preconditions_met(
        self, tx: Any, flow: Flow, trigger: FlowTrigger, execution: Execution, now: datetime
    ) -> bool:
        """Record which upstream flows `execution` satisfies; True when all are satisfied within the window."""
        preconditions = trigger.preconditions
        assert preconditions is not None
        upstream = preconditions.flows or []
        matched = [i for i, wanted in enumerate(upstream) if _matches(wanted, execution)]
        if not matched:
            return False
        key = (flow.namespace, flow.id, trigger.id)
        state = tx.triggers.get(*key) or TriggerState(namespace=key[0], flow_id=key[1], trigger_id=key[2])
        seen: dict[str, str] = dict(state.context.get("preconditions") or {})
        for index in matched:
            seen[str(index)] = now.isoformat()
        window = preconditions.time_window.window if preconditions.time_window is not None else None
        window = window or DEFAULT_WINDOW
        fresh = {i: at for i, at in seen.items() if now - datetime.fromisoformat(at) <= window}
        met = all(str(i) in fresh for i in range(len(upstream)))
        if met and preconditions.reset_on_success:
            fresh = {}
        tx.triggers.put(replace(state, context={**state.context, "preconditions": fresh}), now=now)
        return met


def _matches(wanted: UpstreamFlow, execution: Execution) -> bool:
    if wanted.namespace != execution.namespace:
        return False
    if wanted.flow_id is not None and wanted.flow_id != execution.flow_id:
        return False
    if wanted.states and execution.state.current not in wanted.states:
        return False
    labels = {label.key: label.value for label in execution.labels}
    return all(labels.get(str(k)) == str(v) for k, v in (wanted.labels or {}).items())
