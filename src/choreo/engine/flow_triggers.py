"""Flow triggers: when an execution changes state, the flows whose `io.kestra.plugin.core.trigger.Flow` trigger
accepts it (its `states` — the terminal ones by default —, `conditions` and `preconditions`) get an execution, in
the transaction that records the change.

What several upstream executions must satisfy together (`preconditions.flows` and `.where`, the deprecated
MultipleCondition) is remembered in the trigger's stored state until every part is met within the time window; the
trigger then fires once and, with `resetOnSuccess`, starts over.
"""

from __future__ import annotations

import logging
import re
import time as monotonic
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from choreo.engine.conditions import ConditionContext, holds
from choreo.engine.control import ExecutionControl
from choreo.engine.stored_flows import StoredFlows
from choreo.engine.variables import outputs_and_states
from choreo.errors import ChoreoError, InputInvalid
from choreo.expr import ExpressionEngine
from choreo.expr.truth import truthy
from choreo.model.execution import Execution, ExecutionTrigger
from choreo.model.flow import Flow
from choreo.model.input_values import read_inputs
from choreo.plugins.core.condition.multiple_condition import MultipleCondition
from choreo.plugins.core.trigger.flow import ExecutionFilter, FilterField, FilterType, UpstreamFlow
from choreo.plugins.core.trigger.flow import Flow as FlowTrigger
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
            for (namespace, flow_id), revision in self.store.flows.latest_revisions().items():
                flow = self.flows.get(namespace, flow_id, revision)
                if flow is not None:
                    index.extend((flow, t) for t in flow.triggers or () if isinstance(t, FlowTrigger))
            self._index, self._read_at = index, now
        return self._index

    def on_state_change(self, tx: Any, execution: Execution, now: datetime) -> list[LogEntry]:
        """Create, in `tx`, the executions that `execution` reaching its current state triggers; log lines for
        what could not start."""
        logs: list[LogEntry] = []
        triggers = [
            (f, t)
            for f, t in self.triggers()
            if execution.state.current in t.states and (f.namespace, f.id) != (execution.namespace, execution.flow_id)
        ]  # a flow never triggers itself: a namespace condition would loop forever
        if not triggers:
            return logs
        outputs, _ = outputs_and_states(execution)
        variables = {
            "executionId": execution.id,
            "namespace": execution.namespace,
            "flowId": execution.flow_id,
            "flowRevision": execution.flow_revision,
            "state": execution.state.current.value,
            "outputs": execution.outputs or {},
            "labels": {label.key: label.value for label in execution.labels},
        }
        # Inputs may read the upstream execution's own variables (`{{ outputs.task.value }}`), as in Kestra.
        scope = {"trigger": variables, "outputs": outputs, "inputs": execution.inputs, "labels": variables["labels"]}
        for flow, trigger in triggers:
            if flow.disabled or trigger.disabled:
                continue
            try:
                if not self._accepts(tx, flow, trigger, execution, scope, now):
                    continue
                inputs = self.expressions.render_value(trigger.inputs or {}, scope)
                new = self._execution(flow, trigger, inputs, variables)
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

    @staticmethod
    def _execution(flow: Flow, trigger: FlowTrigger, inputs: dict[str, Any], variables: dict[str, Any]) -> Execution:
        """The new execution, its inputs checked; like Kestra, inputs the trigger does not give do not stop it
        (they stay empty, defaults applied) — only values that are given must fit their type."""
        labels = {label.key: label.value for label in trigger.labels or ()}
        source = ExecutionTrigger(id=trigger.id, type=trigger.type, variables=variables)
        try:
            return ExecutionControl.prepare(flow, inputs, labels=labels, trigger=source)
        except InputInvalid:
            given = {item.id for item in flow.inputs or () if item.id in inputs}
            read_inputs([item for item in flow.inputs or () if item.id in given], inputs)  # given ones must fit
            defaults = {item.id: item.defaults for item in flow.inputs or () if item.defaults is not None}
            return ExecutionControl.prepare(
                flow, {**defaults, **inputs}, labels=labels, trigger=source, check_inputs=False
            )

    # -- what decides ---------------------------------------------------------------------------------------------
    def _accepts(
        self, tx: Any, flow: Flow, trigger: FlowTrigger, execution: Execution, scope: dict[str, Any], now: datetime
    ) -> bool:
        context = ConditionContext(
            execution=execution,
            flow_namespace=flow.namespace,
            flow_id=flow.id,
            variables={**scope, "flow": {"namespace": flow.namespace, "id": flow.id}},
            render=self.expressions.render_value,
        )
        key = (flow.namespace, flow.id, trigger.id)
        windows: list[tuple[str, list[bool], timedelta, bool]] = []  # (name, parts met now, window, reset)
        for condition in trigger.conditions or ():
            if isinstance(condition, MultipleCondition):
                met = [holds(inner, context) for inner in condition.conditions.values()]
                window = condition.window or condition.time_window.window or DEFAULT_WINDOW
                windows.append((f"multiple:{condition.id}", met, window, condition.reset_on_success))
            elif not holds(condition, context):
                return False
        preconditions = trigger.preconditions
        if preconditions is not None:
            met = [_matches(wanted, execution) for wanted in preconditions.flows or ()]
            met += [self._passes(group, execution, scope) for group in preconditions.where or ()]
            window = preconditions.time_window.window or DEFAULT_WINDOW
            windows.append((f"preconditions:{preconditions.id}", met, window, preconditions.reset_on_success))
        return all(self._window_met(tx, key, *entry, now) for entry in windows) if windows else True

    def _window_met(
        self,
        tx: Any,
        key: tuple[str, str, str],
        name: str,
        met: list[bool],
        window: timedelta,
        reset: bool,
        now: datetime,
    ) -> bool:
        """Record the parts this execution meets; True when every part is met within the window."""
        if not any(met):
            return False
        state = tx.triggers.get(*key) or TriggerState(namespace=key[0], flow_id=key[1], trigger_id=key[2])
        windows = dict(state.context.get("windows") or {})
        seen = {i: at for i, at in (windows.get(name) or {}).items() if now - datetime.fromisoformat(at) <= window}
        for index, ok in enumerate(met):
            if ok:
                seen[str(index)] = now.isoformat()
        complete = all(str(i) in seen for i in range(len(met)))
        windows[name] = {} if complete and reset else seen
        tx.triggers.put(replace(state, context={**state.context, "windows": windows}), now=now)
        return complete

    def _passes(self, group: ExecutionFilter, execution: Execution, scope: dict[str, Any]) -> bool:
        results = [self._filter(f, execution, scope) for f in group.filters]
        return any(results) if str(group.operand) == "OR" else all(results)

    def _filter(self, item: Any, execution: Execution, scope: dict[str, Any]) -> bool:
        field: FilterField = item.field
        if field == FilterField.EXPRESSION:
            try:
                actual: Any = self.expressions.render_value(item.value, scope)
            except ChoreoError:  # about another upstream execution (a label it does not have): not this group's
                return False
        else:
            actual = {
                FilterField.FLOW_ID: execution.flow_id,
                FilterField.NAMESPACE: execution.namespace,
                FilterField.STATE: execution.state.current.value,
            }[field]
        kind: FilterType = item.type
        value, values = item.value, [str(v) for v in item.values or ()]
        text = None if actual is None else str(actual)
        checks = {
            FilterType.EQUAL_TO: lambda: text == str(value),
            FilterType.NOT_EQUAL_TO: lambda: text != str(value),
            FilterType.IN: lambda: text in values,
            FilterType.NOT_IN: lambda: text not in values,
            FilterType.IS_TRUE: lambda: truthy(actual),
            FilterType.IS_FALSE: lambda: not truthy(actual),
            FilterType.IS_NULL: lambda: actual is None or text == "",
            FilterType.IS_NOT_NULL: lambda: actual is not None and text != "",
            FilterType.STARTS_WITH: lambda: text is not None and text.startswith(str(value)),
            FilterType.ENDS_WITH: lambda: text is not None and text.endswith(str(value)),
            FilterType.REGEX: lambda: text is not None and re.fullmatch(str(value), text) is not None,
            FilterType.CONTAINS: lambda: text is not None and str(value) in text,
        }
        return bool(checks[kind]())


def _matches(wanted: UpstreamFlow, execution: Execution) -> bool:
    if wanted.namespace != execution.namespace:
        return False
    if wanted.flow_id is not None and wanted.flow_id != execution.flow_id:
        return False
    if wanted.states and execution.state.current not in wanted.states:
        return False
    labels = {label.key: label.value for label in execution.labels}
    return all(labels.get(str(k)) == str(v) for k, v in (wanted.labels or {}).items())
