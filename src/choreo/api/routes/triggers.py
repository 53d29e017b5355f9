"""Triggers: every trigger of every live flow with what the scheduler remembers about it (its state), and the
operations on that state: disable, unlock, reset, backfill.

The list comes from the flows, so a trigger shows up before the scheduler ever evaluated it (its state is then the
default one). Each result carries both Kestra 1.x's keys (`abstractTrigger`, `triggerContext`) and 2.x's (`trigger`,
`state`), which name the same two documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from fastapi import Body, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from choreo.api.app import TENANT, runtime, tenant_router
from choreo.api.documents import iso, page
from choreo.api.errors import ApiError
from choreo.api.filters import Filter, Filters, parse
from choreo.api.routes.misc import matches, page_of, parse_instant, sort_key
from choreo.server.runtime import Runtime
from choreo.store.records import TriggerState

router = tenant_router()

_FLOW_PAGE = 500
_SORTS = ("namespace", "flowId", "triggerId", "nextExecutionDate", "date", "lastTriggeredDate")
_KINDS = {"schedule": "SCHEDULE", "polling": "POLLING", "realtime": "REALTIME"}


@dataclass(frozen=True, slots=True)
class FlowTrigger:
    """One trigger as declared in a live flow (`trigger` is its JSON, Kestra's `AbstractTrigger`)."""

    namespace: str
    flow_id: str
    trigger: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.trigger["id"])

    @property
    def key(self) -> tuple[str, str, str]:
        return self.namespace, self.flow_id, self.id


def _triggers_of(namespace: str, flow_id: str, flow_json: dict[str, Any]) -> list[FlowTrigger]:
    declared = flow_json.get("triggers") or []
    return [FlowTrigger(namespace, flow_id, t) for t in declared if isinstance(t, dict) and t.get("id")]


def flow_triggers(rt: Runtime, namespace: str | None = None) -> list[FlowTrigger]:
    """The triggers of every live flow (in `namespace` and its children), by namespace, flow and declaration."""
    found: list[FlowTrigger] = []
    number = 1
    while True:
        flows = rt.store.flows.list(namespace, page=number, size=_FLOW_PAGE)
        for record in flows.items:
            found.extend(_triggers_of(record.namespace, record.id, record.flow_json))
        if number * _FLOW_PAGE >= flows.total:
            return found
        number += 1


def _find(rt: Runtime, namespace: str, flow_id: str, trigger_id: str) -> FlowTrigger:
    record = rt.store.flows.get(namespace, flow_id)
    if record is None:
        raise ApiError(404, f"flow {namespace}.{flow_id} not found")
    for trigger in _triggers_of(namespace, flow_id, record.flow_json):
        if trigger.id == trigger_id:
            return trigger
    raise ApiError(404, f"trigger '{trigger_id}' not found in flow {namespace}.{flow_id}")


def _kind(rt: Runtime, trigger: FlowTrigger) -> str | None:
    plugin = rt.app.registry.resolve("trigger", str(trigger.trigger.get("type", "")))
    return getattr(plugin, "trigger_kind", None) if plugin is not None else None


def is_locked(state: TriggerState | None, now: datetime | None = None) -> bool:
    """Held by an evaluation whose lease has not run out."""
    if state is None or state.locked_by is None:
        return False
    return state.locked_until is None or state.locked_until > (now or datetime.now(UTC))


def state_document(rt: Runtime, trigger: FlowTrigger, state: TriggerState | None) -> dict[str, Any]:
    """Kestra's trigger context (1.x `Trigger`, 2.x `ApiTriggerState`): defaults when nothing is stored yet. A
    trigger disabled in the flow's source is disabled whatever the state says."""
    last = state.last_date if state else None
    following = state.next_date if state else None
    return {
        "tenantId": TENANT,
        "namespace": trigger.namespace,
        "flowId": trigger.flow_id,
        "triggerId": trigger.id,
        "date": iso(last),
        "lastTriggeredDate": iso(last),
        "nextExecutionDate": iso(following),
        "nextEvaluationDate": iso(following),
        "backfill": state.backfill if state else None,
        "disabled": bool(trigger.trigger.get("disabled")) or bool(state and state.disabled),
        "locked": is_locked(state),
        "workerId": state.locked_by if state else None,
        "executionId": state.execution_id if state else None,
        "evaluatedAt": state.context.get("evaluatedAt") if state else None,
        "updatedDate": iso(state.updated) if state else None,
        "updatedAt": iso(state.updated) if state else None,
        "stopAfter": trigger.trigger.get("stopAfter"),
        "kind": _KINDS.get(_kind(rt, trigger) or ""),
    }


def _result(rt: Runtime, trigger: FlowTrigger, state: TriggerState | None) -> dict[str, Any]:
    context = state_document(rt, trigger, state)
    return {"abstractTrigger": trigger.trigger, "triggerContext": context, "trigger": trigger.trigger, "state": context}


def _states(rt: Runtime) -> dict[tuple[str, str, str], TriggerState]:
    return {(s.namespace, s.flow_id, s.trigger_id): s for s in rt.store.triggers.list()}


# -- selection by filters ------------------------------------------------------------------------------------------


def _date_of(state: TriggerState | None, date_filter: str) -> datetime | None:
    if state is None:
        return None
    return state.last_date if date_filter == "LAST_TRIGGERED_DATE" else state.next_date


def _accepts(item: Filter, trigger: FlowTrigger, state: TriggerState | None, date_filter: str) -> bool:
    """Whether one filter holds for a trigger; 400 for a field triggers cannot be filtered on."""
    fields: dict[str, str | None] = {
        "namespace": trigger.namespace,
        "flowId": trigger.flow_id,
        "triggerId": trigger.id,
        "id": trigger.id,
        "type": str(trigger.trigger.get("type", "")),
        "workerId": state.locked_by if state else None,
    }
    if item.field in fields:
        return matches(item, fields[item.field])
    if item.field == "q":  # free text over the trigger's names
        needle = str(item.value or "").lower()
        return any(needle in value.lower() for value in (trigger.namespace, trigger.flow_id, trigger.id))
    if item.field == "locked":
        return is_locked(state) == (str(item.value).lower() == "true")
    if item.field in ("startDate", "endDate"):
        when = _date_of(state, date_filter)
        limit = parse_instant(str(item.value), f"filters[{item.field}]")
        if when is None:
            return False
        return when >= limit if item.field == "startDate" else when <= limit
    raise ApiError(400, f"filters[{item.field}]: not a supported trigger filter")


def select_triggers(
    rt: Runtime, filters: Filters, date_filter: str = "NEXT_EXECUTION_DATE"
) -> list[tuple[FlowTrigger, TriggerState | None]]:
    """The triggers of live flows matching every filter (and one of each `or` group), with their states."""
    # Narrow the flows read to a namespace and its children when a filter allows it; `_accepts` does the rest.
    namespace = filters.value("namespace", "EQUALS", "PREFIX")
    states = _states(rt)
    selected = []
    for trigger in flow_triggers(rt, str(namespace) if namespace else None):
        state = states.get(trigger.key)
        if not all(_accepts(item, trigger, state, date_filter) for item in filters.all_of):
            continue
        if any(group and not any(_accepts(i, trigger, state, date_filter) for i in group) for group in filters.any_of):
            continue
        selected.append((trigger, state))
    return selected


def _query_filters(request: Request) -> Filters:
    return parse(request.query_params, legacy={"namespace": "namespace", "flowId": "flowId", "q": "q"})


def _body_filters(body: Any) -> Filters:
    """`{"filters": [{"field", "operation", "value"}]}`, as kestrapy sends `delete_triggers_by_query`."""
    items = body.get("filters") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ApiError(400, 'expected a JSON body {"filters": [{"field": ..., "operation": ..., "value": ...}]}')
    filters = Filters()
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("field") or not item.get("operation"):
            raise ApiError(400, f"filters[{index}]: expected an object with field, operation and value")
        value = item.get("value")
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        filters.all_of.append(Filter(str(item["field"]), str(item["operation"]).upper(), value))
    return filters


def _sorted(
    found: list[tuple[FlowTrigger, TriggerState | None]], sort: list[str] | None
) -> list[tuple[FlowTrigger, TriggerState | None]]:
    field, descending = sort_key(sort, _SORTS, "namespace:asc")
    never = datetime.max.replace(tzinfo=UTC)

    def key(pair: tuple[FlowTrigger, TriggerState | None]) -> Any:
        trigger, state = pair
        if field in ("nextExecutionDate", "date", "lastTriggeredDate"):
            which = "NEXT_EXECUTION_DATE" if field == "nextExecutionDate" else "LAST_TRIGGERED_DATE"
            return (_date_of(state, which) or never, trigger.key)
        first = {"namespace": trigger.namespace, "flowId": trigger.flow_id, "triggerId": trigger.id}[field]
        return (first, trigger.key)

    return sorted(found, key=key, reverse=descending)


# -- search (literal paths first) ----------------------------------------------------------------------------------


@router.get("/triggers/search")
def search_triggers(
    request: Request,
    page_number: int = Query(default=1, ge=1, alias="page"),
    size: int = Query(default=25, ge=1, le=10_000),
    sort: list[str] | None = Query(default=None),
    date_filter: str = Query(default="NEXT_EXECUTION_DATE", alias="dateFilter"),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    if date_filter not in ("NEXT_EXECUTION_DATE", "LAST_TRIGGERED_DATE"):
        raise ApiError(400, f"dateFilter: expected NEXT_EXECUTION_DATE or LAST_TRIGGERED_DATE, got {date_filter!r}")
    found = _sorted(select_triggers(rt, _query_filters(request), date_filter), sort)
    results = [_result(rt, trigger, state) for trigger, state in page_of(found, page_number, size)]
    return page(results, len(found))


# -- disable / enable ----------------------------------------------------------------------------------------------


class TriggerKey(BaseModel):
    """Names one trigger; unknown keys (kestrapy's `additional_properties`) are ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    namespace: str
    flow_id: str = Field(alias="flowId")
    trigger_id: str = Field(alias="triggerId")


class DisableRequest(TriggerKey):
    disabled: bool = True


class SetDisabledRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    triggers: list[TriggerKey] = Field(min_length=1)
    disabled: bool


def _update_state(rt: Runtime, trigger: FlowTrigger, change: Callable[[TriggerState], TriggerState]) -> TriggerState:
    """Read, change and write a trigger's state in one transaction (a new state when none is stored)."""
    with rt.store.transaction() as tx:
        current = tx.triggers.get(*trigger.key) or TriggerState(
            namespace=trigger.namespace, flow_id=trigger.flow_id, trigger_id=trigger.id
        )
        return tx.triggers.put(change(current))


def _set_disabled(rt: Runtime, trigger: FlowTrigger, disabled: bool) -> TriggerState:
    return _update_state(rt, trigger, lambda state: replace(state, disabled=disabled))


@router.put("/triggers/set-disabled")
def set_disabled(body: DisableRequest, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    trigger = _find(rt, body.namespace, body.flow_id, body.trigger_id)
    return state_document(rt, trigger, _set_disabled(rt, trigger, body.disabled))


def _each(
    rt: Runtime, keys: list[TriggerKey], action: Callable[[FlowTrigger, TriggerState | None], bool]
) -> dict[str, int]:
    """Apply `action` to each named trigger; unknown triggers and refused actions are skipped, not errors."""
    states = _states(rt)
    count = 0
    for key in keys:
        try:
            trigger = _find(rt, key.namespace, key.flow_id, key.trigger_id)
            count += bool(action(trigger, states.get(trigger.key)))
        except ApiError:
            continue
    return {"count": count}


def _each_selected(
    rt: Runtime, filters: Filters, action: Callable[[FlowTrigger, TriggerState | None], bool]
) -> dict[str, int]:
    count = 0
    for trigger, state in select_triggers(rt, filters):
        try:
            count += bool(action(trigger, state))
        except ApiError:
            continue
    return {"count": count}


@router.post("/triggers/set-disabled/by-triggers")
def set_disabled_by_triggers(body: SetDisabledRequest, rt: Runtime = Depends(runtime)) -> dict[str, int]:
    return _each(rt, body.triggers, lambda trigger, _: bool(_set_disabled(rt, trigger, body.disabled)))


@router.post("/triggers/set-disabled/by-query")
def set_disabled_by_query(request: Request, disabled: bool = True, rt: Runtime = Depends(runtime)) -> dict[str, int]:
    return _each_selected(rt, _query_filters(request), lambda trigger, _: bool(_set_disabled(rt, trigger, disabled)))


# -- unlock --------------------------------------------------------------------------------------------------------


def _unlock(rt: Runtime, trigger: FlowTrigger, state: TriggerState | None) -> bool:
    """Free a trigger held by an evaluation (a scheduler that died mid-evaluation leaves it locked)."""
    if state is None or not is_locked(state):
        raise ApiError(409, f"trigger {trigger.namespace}.{trigger.flow_id}.{trigger.id} is not locked")
    return rt.store.triggers.unlock(*trigger.key, owner=state.locked_by or "")


@router.post("/triggers/unlock/by-triggers")
def unlock_by_triggers(keys: list[TriggerKey], rt: Runtime = Depends(runtime)) -> dict[str, int]:
    return _each(rt, keys, lambda trigger, state: _unlock(rt, trigger, state))


@router.post("/triggers/unlock/by-query")
def unlock_by_query(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, int]:
    return _each_selected(rt, _query_filters(request), lambda trigger, state: _unlock(rt, trigger, state))


@router.post("/triggers/{namespace}/{flow_id}/{trigger_id}/unlock")
def unlock_trigger(namespace: str, flow_id: str, trigger_id: str, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    trigger = _find(rt, namespace, flow_id, trigger_id)
    _unlock(rt, trigger, rt.store.triggers.get(*trigger.key))
    return state_document(rt, trigger, rt.store.triggers.get(*trigger.key))


# -- delete (reset the state) --------------------------------------------------------------------------------------


@router.delete("/triggers/delete/by-triggers")
def delete_by_triggers(keys: list[TriggerKey], rt: Runtime = Depends(runtime)) -> dict[str, int]:
    count = sum(rt.store.triggers.delete(key.namespace, key.flow_id, key.trigger_id) for key in keys)
    return {"count": count}


@router.delete("/triggers/delete/by-query")
def delete_by_query(body: Any = Body(default=None), rt: Runtime = Depends(runtime)) -> dict[str, int]:
    selected = select_triggers(rt, _body_filters(body))
    return {"count": sum(rt.store.triggers.delete(*trigger.key) for trigger, _ in selected)}


@router.delete("/triggers/{namespace}/{flow_id}/{trigger_id}", status_code=204)
def delete_trigger(namespace: str, flow_id: str, trigger_id: str, rt: Runtime = Depends(runtime)) -> Response:
    """Forget what the scheduler knows about the trigger (it starts afresh); a state left by a trigger since
    removed from its flow can be deleted too."""
    deleted = rt.store.triggers.delete(namespace, flow_id, trigger_id)
    if not deleted:
        _find(rt, namespace, flow_id, trigger_id)  # 404 unless the trigger exists (with nothing stored yet)
    return Response(status_code=204)


# -- backfill ------------------------------------------------------------------------------------------------------


class Backfill(BaseModel):
    model_config = ConfigDict(extra="ignore")

    start: datetime | None = None
    end: datetime | None = None
    inputs: dict[str, Any] | None = None
    labels: list[dict[str, Any]] | dict[str, Any] | None = None


class CreateBackfillRequest(TriggerKey):
    backfill: Backfill


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)


def _labels(value: list[dict[str, Any]] | dict[str, Any] | None) -> list[dict[str, str]]:
    if value is None:
        return []
    pairs = value.items() if isinstance(value, dict) else [(item.get("key"), item.get("value")) for item in value]
    labels = []
    for key, label in pairs:
        if not isinstance(key, str) or not key or label is None:
            raise ApiError(400, f"backfill.labels: each label needs a key and a value, got {key!r}: {label!r}")
        labels.append({"key": key, "value": str(label)})
    return labels


def _new_backfill(rt: Runtime, trigger: FlowTrigger, request: Backfill, state: TriggerState) -> TriggerState:
    start, end = _aware(request.start), _aware(request.end)
    name = f"{trigger.namespace}.{trigger.flow_id}.{trigger.id}"
    if _kind(rt, trigger) != "schedule":
        raise ApiError(400, f"trigger {name} is a {trigger.trigger.get('type')}: only schedule triggers backfill")
    if start is None:
        raise ApiError(400, "backfill.start is required")
    if end is not None and start >= end:
        raise ApiError(400, f"backfill.start {iso(start)} must be before backfill.end {iso(end)}")
    if state.backfill is not None:
        raise ApiError(409, f"trigger {name} already has a backfill: delete it first")
    backfill = {
        "start": iso(start),
        "end": iso(end),
        "currentDate": iso(start),
        "previousNextExecutionDate": iso(state.next_date),
        "paused": False,
        "inputs": request.inputs or {},
        "labels": _labels(request.labels),
    }
    return replace(state, backfill=backfill)


def _paused(paused: bool) -> Callable[[TriggerState], TriggerState]:
    def change(state: TriggerState) -> TriggerState:
        if state.backfill is None:
            raise ApiError(404, f"trigger {state.namespace}.{state.flow_id}.{state.trigger_id} has no backfill")
        return replace(state, backfill={**state.backfill, "paused": paused})

    return change


def _no_backfill(state: TriggerState) -> TriggerState:
    if state.backfill is None:
        raise ApiError(404, f"trigger {state.namespace}.{state.flow_id}.{state.trigger_id} has no backfill")
    return replace(state, backfill=None)


_BACKFILL_ACTIONS: dict[str, Callable[[TriggerState], TriggerState]] = {
    "pause": _paused(True),
    "unpause": _paused(False),
    "delete": _no_backfill,
}


@router.put("/triggers/backfill/create")
def create_backfill(body: CreateBackfillRequest, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    """Store a backfill in the trigger's state: the scheduler replays the dates from `start` to `end` (or now)."""
    trigger = _find(rt, body.namespace, body.flow_id, body.trigger_id)
    state = _update_state(rt, trigger, lambda current: _new_backfill(rt, trigger, body.backfill, current))
    return state_document(rt, trigger, state)


def _backfill_action(rt: Runtime, action: str, key: TriggerKey) -> dict[str, Any]:
    trigger = _find(rt, key.namespace, key.flow_id, key.trigger_id)
    return state_document(rt, trigger, _update_state(rt, trigger, _BACKFILL_ACTIONS[action]))


@router.put("/triggers/backfill/pause")
def pause_backfill(body: TriggerKey, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return _backfill_action(rt, "pause", body)


@router.put("/triggers/backfill/unpause")
def unpause_backfill(body: TriggerKey, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return _backfill_action(rt, "unpause", body)


@router.post("/triggers/backfill/delete")
def delete_backfill(body: TriggerKey, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return _backfill_action(rt, "delete", body)


def _check_action(action: str) -> Callable[[TriggerState], TriggerState]:
    if action not in _BACKFILL_ACTIONS:
        raise ApiError(404, f"no backfill action '{action}': use pause, unpause or delete")
    return _BACKFILL_ACTIONS[action]


@router.post("/triggers/backfill/{action}/by-triggers")
def backfill_by_triggers(action: str, keys: list[TriggerKey], rt: Runtime = Depends(runtime)) -> dict[str, int]:
    change = _check_action(action)
    return _each(rt, keys, lambda trigger, _: bool(_update_state(rt, trigger, change)))


@router.post("/triggers/backfill/{action}/by-query")
def backfill_by_query(action: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, int]:
    change = _check_action(action)
    return _each_selected(rt, _query_filters(request), lambda trigger, _: bool(_update_state(rt, trigger, change)))


# -- one flow's triggers (templated: declared after every literal path of the same shape) ----------------------------


@router.get("/triggers/{namespace}/{flow_id}")
def search_flow_triggers(
    namespace: str,
    flow_id: str,
    q: str | None = None,
    page_number: int = Query(default=1, ge=1, alias="page"),
    size: int = Query(default=25, ge=1, le=10_000),
    sort: list[str] | None = Query(default=None),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    record = rt.store.flows.get(namespace, flow_id)
    if record is None:
        raise ApiError(404, f"flow {namespace}.{flow_id} not found")
    states = _states(rt)
    found = [
        (trigger, states.get(trigger.key))
        for trigger in _triggers_of(namespace, flow_id, record.flow_json)
        if not q or q.lower() in trigger.id.lower()
    ]
    found = _sorted(found, sort or ["triggerId:asc"])
    return page([_result(rt, trigger, state) for trigger, state in page_of(found, page_number, size)], len(found))
