"""Executions: create (multipart inputs and files, labels, scheduleDate, wait), read, search, follow (SSE), the
actions (kill, pause, resume, restart, replay, change states, labels, delete, eval), bulk actions, files, outputs,
and webhooks. Routes with literal segments are declared before templated ones."""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.datastructures import UploadFile

from choreo.api.app import runtime, tenant_router
from choreo.api.documents import execution_document, page
from choreo.api.errors import ApiError
from choreo.api.filters import Filters, labels_of, parse
from choreo.api.graph import flow_graph_document
from choreo.engine.conditions import ConditionContext, all_hold
from choreo.engine.context import TriggerServices
from choreo.engine.control import NotFound
from choreo.engine.operations import OperationRefused
from choreo.engine.variables import build_variables
from choreo.errors import ChoreoError, InputInvalid
from choreo.model.execution import Execution, ExecutionTrigger, new_id
from choreo.model.flow import Flow
from choreo.model.inputs import FileInput
from choreo.model.state import State
from choreo.plugins.core.trigger.webhook import Webhook
from choreo.server.runtime import Runtime
from choreo.storage import execution_id_of, input_file_uri
from choreo.store.records import TriggerState

router = tenant_router(tags=["executions"])

#: Follow streams re-read the execution this often when no live update comes (another process may run it).
FOLLOW_POLL_SECONDS = 0.5
WAIT_LIMIT_SECONDS = 300.0
#: How long a webhook's Idempotency-Key is remembered.
IDEMPOTENCY_TTL = timedelta(hours=24)
WEBHOOK_RESPONSE_KEYS = ("id", "namespace", "flowId", "flowRevision", "trigger", "labels", "state", "url")


# -- helpers --------------------------------------------------------------------------------------------------------
def _flow(rt: Runtime, namespace: str, flow_id: str, revision: int | None = None) -> Flow:
    flow = rt.flows.get(namespace, flow_id, revision)
    if flow is None:
        raise ApiError(404, f"flow '{namespace}.{flow_id}' not found")
    return flow


def _document(request: Request, execution: Execution) -> dict[str, Any]:
    return execution_document(execution, base_url=str(request.base_url))


def _parse_date(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "+").replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"{name}: expected an ISO-8601 date-time, got '{value}'") from None
    if parsed.tzinfo is None:
        raise ApiError(400, f"{name}: the date-time '{value}' needs a time zone (Z or +hh:mm)")
    return parsed


async def _form_inputs(
    request: Request, rt: Runtime, flow: Flow, execution_id: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """Inputs from a multipart (or url-encoded) body: text parts as they are, file parts stored in internal storage
    under the execution (the input's value becomes the kestra:// URI)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        if content_type.startswith("application/json"):
            body = await request.json()
            if not isinstance(body, dict):
                raise ApiError(400, "inputs: expected a JSON object")
            return body, {}
        return {}, {}
    declared = {item.id: item for item in flow.inputs or ()}
    values: dict[str, Any] = {}
    files: dict[str, str] = {}
    form = await request.form()
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key in declared and not isinstance(declared[key], FileInput):
                raise InputInvalid({key: f"Invalid input for `{key}`, a file was sent but the input is not a FILE"})
            data = await value.read()
            uri = input_file_uri(flow.namespace, flow.id, execution_id, key, value.filename or key)
            values[key] = files[key] = await asyncio.to_thread(rt.storage.put, uri, data)
        else:
            values[key] = value
    return values, files


def _labels(request: Request) -> dict[str, str]:
    return labels_of(request.query_params.getlist("labels")) if request.query_params.getlist("labels") else {}


def _search(rt: Runtime, filters: Filters, request: Request) -> tuple[list[Execution], int]:
    params = request.query_params
    states = filters.values("state")
    label_filter = filters.value("labels")
    sort = params.getlist("sort")
    found = rt.store.executions.search(
        namespace=filters.value("namespace"),
        # filters[namespace][EQUALS] is that namespace only; PREFIX and the old `namespace=` include its children
        exact_namespace=filters.get("namespace", "EQUALS") is not None,
        flow_id=filters.value("flowId"),
        states=[State(s) for s in states] if states else None,
        labels=labels_of(label_filter) if label_filter else None,
        start_after=_parse_date(filters.value("startDate", "GREATER_THAN", "GREATER_THAN_OR_EQUAL_TO"), "startDate"),
        start_before=_parse_date(
            filters.value("startDate", "LESS_THAN", "LESS_THAN_OR_EQUAL_TO") or filters.value("endDate"), "endDate"
        ),
        text=filters.value("q"),
        parent_id=filters.value("parentId"),
        page=int(params.get("page", 1)),
        size=int(params.get("size", 25)),
        sort=sort[0] if sort else "startDate:desc",
    )
    return found.items, found.total


def _search_filters(request: Request) -> Filters:
    return parse(
        request.query_params,
        legacy={
            "namespace": ("namespace", "PREFIX"),
            "flowId": "flowId",
            "q": "q",
            "state": "state",
            "startDate": ("startDate", "GREATER_THAN_OR_EQUAL_TO"),
            "endDate": ("endDate", "LESS_THAN_OR_EQUAL_TO"),
            "labels": "labels",
        },
    )


async def _until_ended(rt: Runtime, execution_id: str, limit: float) -> Execution:
    """The execution once it has ended (or as it is after `limit` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    with rt.live.executions_of(execution_id) as updates:
        while True:
            current = rt.control.get(execution_id)
            if current.state.current.is_terminal or loop.time() >= deadline:
                return current
            try:
                await asyncio.wait_for(updates.get(), min(FOLLOW_POLL_SECONDS, deadline - loop.time()))
            except TimeoutError:
                pass


# -- search and bulk (literal paths first) ---------------------------------------------------------------------------
@router.get("/executions/search")
async def search_executions(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    found, total = _search(rt, _search_filters(request), request)
    return page([_document(request, execution) for execution in found], total)


@router.get("/executions")
async def search_executions_by_flow(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    found, total = _search(rt, _search_filters(request), request)
    return page([_document(request, execution) for execution in found], total)


@router.post("/executions/latest")
async def latest_executions(request: Request, rt: Runtime = Depends(runtime)) -> list[dict[str, Any]]:
    body = await request.json()
    if not isinstance(body, list):
        raise ApiError(400, "expected a JSON list of {namespace, id}")
    latest = []
    for item in body:
        found = rt.store.executions.search(namespace=item.get("namespace"), flow_id=item.get("id"), size=1)
        for execution in found.items:
            if execution.namespace == item.get("namespace"):
                latest.append(
                    {
                        "id": execution.id,
                        "namespace": execution.namespace,
                        "flowId": execution.flow_id,
                        "startDate": execution_document(execution)["state"]["startDate"],
                        "status": execution.state.current.value,
                    }
                )
    return latest


async def _ids(request: Request) -> list[str]:
    body = await request.json()
    if not isinstance(body, list) or not all(isinstance(item, str) for item in body):
        raise ApiError(400, "expected a JSON list of execution ids")
    return body


async def _bulk(request: Request, rt: Runtime, by: str, action: Callable[[str], Any]) -> dict[str, Any]:
    """Apply `action` to executions given by ids (JSON body) or by query (filters): {"count": n} of those it
    applied to; executions in the wrong state are skipped, as Kestra does."""
    if by == "by-ids":
        ids = await _ids(request)
    else:
        filters = _search_filters(request)
        ids, seen, page_number = [], 0, 1
        while True:
            found = rt.store.executions.search(
                namespace=filters.value("namespace"),
                flow_id=filters.value("flowId"),
                states=[State(s) for s in filters.values("state") or ()] or None,
                text=filters.value("q"),
                page=page_number,
                size=500,
            )
            ids.extend(execution.id for execution in found.items)
            seen += len(found.items)
            if not found.items or seen >= found.total:
                break
            page_number += 1
    count = 0
    for execution_id in ids:
        try:
            action(execution_id)
            count += 1
        except (OperationRefused, NotFound, InputInvalid):
            continue
    return {"count": count}


@router.delete("/executions/kill/{by}")
async def kill_many(by: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return await _bulk(request, rt, _by(by), rt.control.kill)


@router.delete("/executions/{by}")
async def delete_many_or_one(by: str, request: Request, rt: Runtime = Depends(runtime)) -> Response:
    params = request.query_params
    flags = {
        "delete_logs": params.get("deleteLogs", "true") != "false",
        "delete_metrics": params.get("deleteMetrics", "true") != "false",
        "delete_storage": params.get("deleteStorage", "true") != "false",
    }
    if by not in ("by-ids", "by-query"):  # DELETE /executions/{executionId}
        await asyncio.to_thread(rt.control.delete, by, **flags)
        return Response(status_code=204)
    include_running = params.get("includeNonTerminated") == "true"

    def delete(execution_id: str) -> None:
        if include_running and not rt.control.get(execution_id).state.current.is_terminal:
            rt.control.kill(execution_id)
            return
        rt.control.delete(execution_id, **flags)

    return JSONResponse(await _bulk(request, rt, by, delete))


_BULK_ACTIONS = {"pause", "resume", "restart", "replay", "change-status", "labels", "unqueue", "force-run"}


@router.post("/executions/{first}/{second}")
async def create_or_act_on_many(
    first: str, second: str, request: Request, rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    """`POST /executions/{namespace}/{flowId}` creates an execution; `POST /executions/{action}/by-ids|by-query`
    acts on many; Kestra 1.x's `POST /executions/{executionId}/{action}` acts on one (same shape of path: the bulk
    and action spellings win when they name an action, and an execution for the single ones)."""
    if first in _BULK_ACTIONS and second in ("by-ids", "by-query"):
        return await _act_on_many(first, second, request, rt)
    single = _SINGLE_ACTIONS.get(second)
    if single is not None and rt.store.executions.get(first) is not None:
        result: dict[str, Any] = await single(first, request, rt)
        return result
    return await create_execution(first, second, request, rt)


async def _act_on_many(action: str, by: str, request: Request, rt: Runtime) -> dict[str, Any]:
    params = request.query_params
    if action == "labels":
        body = await request.json()
        if by == "by-ids":
            ids, labels = body.get("executionsId") or [], body.get("executionLabels") or []
        else:
            ids, labels = None, body
        pairs = {str(item["key"]): str(item["value"]) for item in labels}

        def set_labels(execution_id: str) -> None:
            current = {label.key: label.value for label in rt.control.get(execution_id).labels}
            rt.control.set_labels(execution_id, {**current, **pairs})

        if ids is not None:
            count = 0
            for execution_id in ids:
                try:
                    set_labels(execution_id)
                    count += 1
                except (OperationRefused, NotFound):
                    continue
            return {"count": count}
        return await _bulk(request, rt, by, set_labels)
    actions: dict[str, Callable[[str], Any]] = {
        "pause": rt.control.pause,
        "resume": rt.control.resume,
        "restart": rt.control.restart,
        "replay": rt.control.replay,
        "change-status": lambda i: rt.control.change_state(i, State(params.get("newStatus", ""))),
        "unqueue": lambda i: rt.control.unqueue(i, State(params.get("state") or params.get("newState") or "RUNNING")),
        "force-run": lambda i: rt.control.unqueue(i, State.RUNNING),
    }
    return await _bulk(request, rt, by, actions[action])


def _by(value: str) -> str:
    if value not in ("by-ids", "by-query"):
        raise ApiError(404, f"expected by-ids or by-query, got '{value}'")
    return value


# -- webhooks ---------------------------------------------------------------------------------------------------------
async def webhook(
    namespace: str, flow_id: str, key: str, request: Request, rt: Runtime = Depends(runtime), path: str = ""
) -> Response:
    """Start the flow whose Webhook trigger has this key: 200 with the execution, 204 when its conditions do not
    hold, 409 when the flow or the trigger is disabled, 404 for an unknown flow or key (the same answer for both).
    A repeated `Idempotency-Key` within a day answers with the execution the first call created."""
    flow = rt.flows.get(namespace, flow_id)
    services = TriggerServices(rt.worker.secrets, rt.worker.kv, namespace)
    trigger = _webhook_trigger(rt, flow, key, services) if flow is not None else None
    if flow is None or trigger is None:
        raise ApiError(404, "Webhook not found")
    if flow.disabled or trigger.disabled:
        raise ApiError(409, f"the {'flow' if flow.disabled else 'trigger'} of this webhook is disabled")
    raw = await request.body()
    text = raw.decode("utf-8", errors="replace")
    try:
        body: Any = json.loads(text) if text else None
    except ValueError:
        body = text
    variables = {
        "body": body,
        "headers": {name: request.headers.getlist(name) for name in request.headers},
        "parameters": {name: request.query_params.getlist(name) for name in request.query_params},
    }
    context = ConditionContext(
        flow_namespace=flow.namespace,
        flow_id=flow.id,
        variables={"trigger": variables, "flow": {"namespace": flow.namespace, "id": flow.id}},
        render=lambda value, scope: rt.app.expressions.render_value(value, scope, services),
    )
    try:
        if not all_hold(trigger.conditions, context):
            return Response(status_code=204)
        inputs = rt.app.expressions.render_value(trigger.inputs or {}, {"trigger": variables}, services)
    except ChoreoError as exc:
        raise ApiError(422, f"webhook trigger '{trigger.id}': {exc}") from None
    execution = await asyncio.to_thread(
        _webhook_execution, rt, flow, trigger, inputs, variables, request.headers.get("idempotency-key")
    )
    if trigger.wait:
        execution = await _until_ended(rt, execution.id, WAIT_LIMIT_SECONDS)
    document = _document(request, execution)
    response = {name: document.get(name) for name in WEBHOOK_RESPONSE_KEYS}
    if trigger.wait and trigger.return_outputs:
        response["outputs"] = execution.outputs
    return JSONResponse(response)


def _webhook_execution(
    rt: Runtime, flow: Flow, trigger: Webhook, inputs: Any, variables: dict[str, Any], idempotency_key: str | None
) -> Execution:
    """A new execution — or, for an Idempotency-Key seen within IDEMPOTENCY_TTL, the one it created — recorded with
    the key in one transaction, so that concurrent deliveries of one key create one execution."""
    labels = {label.key: label.value for label in trigger.labels or ()}
    execution = rt.control.prepare(
        flow, inputs, labels=labels, trigger=ExecutionTrigger(id=trigger.id, type=trigger.type, variables=variables)
    )
    now = datetime.now(UTC)
    with rt.store.transaction() as tx:
        if idempotency_key:
            state = tx.triggers.get(flow.namespace, flow.id, trigger.id) or TriggerState(
                namespace=flow.namespace, flow_id=flow.id, trigger_id=trigger.id
            )
            seen = {
                k: v
                for k, v in (state.context.get("idempotency") or {}).items()
                if now - datetime.fromisoformat(v["at"]) < IDEMPOTENCY_TTL
            }
            earlier = seen.get(idempotency_key)
            if earlier is not None:
                existing = tx.executions.get(earlier["executionId"])
                if existing is not None:
                    return existing
            seen[idempotency_key] = {"executionId": execution.id, "at": now.isoformat()}
            tx.triggers.put(replace(state, context={**state.context, "idempotency": seen}), now=now)
        rt.control.enqueue(tx, execution)
    return execution


for _method in ("GET", "POST", "PUT"):  # one route per method and path: each gets its own OpenAPI operation
    for _path in (
        "/executions/webhook/{namespace}/{flow_id}/{key}",
        "/executions/webhook/{namespace}/{flow_id}/{key}/{path:path}",
    ):
        router.add_api_route(_path, webhook, methods=[_method])


def _webhook_trigger(rt: Runtime, flow: Flow, key: str, services: TriggerServices) -> Webhook | None:
    """The flow's Webhook trigger with this key (disabled ones included: the caller answers 409 for them)."""
    for trigger in flow.triggers or ():
        if isinstance(trigger, Webhook):
            expected = trigger.key
            if "{{" in expected:
                try:
                    scope = {"flow": {"id": flow.id, "namespace": flow.namespace}}  # Kestra: key `{{ flow.id }}`
                    expected = str(rt.app.expressions.render(expected, scope, services))
                except ChoreoError:
                    continue
            if hmac.compare_digest(expected.encode(), key.encode()):
                return trigger
    return None


# -- creating -------------------------------------------------------------------------------------------------------
async def create_execution(namespace: str, flow_id: str, request: Request, rt: Runtime) -> dict[str, Any]:
    params = request.query_params
    revision = int(params["revision"]) if params.get("revision") else None
    flow = _flow(rt, namespace, flow_id, revision)
    execution_id = new_id()
    inputs, _ = await _form_inputs(request, rt, flow, execution_id)
    execution = rt.control.create(
        flow,
        inputs,
        labels=_labels(request),
        schedule_date=_parse_date(params.get("scheduleDate"), "scheduleDate"),
        execution_id=execution_id,
    )
    if params.get("wait") == "true":
        execution = await _until_ended(rt, execution.id, WAIT_LIMIT_SECONDS)
    return _document(request, execution)


@router.post("/executions/{namespace}/{flow_id}/validate")
async def validate_inputs(
    namespace: str, flow_id: str, request: Request, rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    from choreo.model.input_values import read_inputs

    flow = _flow(rt, namespace, flow_id)
    inputs, _ = await _form_inputs(request, rt, flow, new_id())
    try:
        read_inputs(flow.inputs or [], inputs)
    except InputInvalid as exc:
        return {"inputs": [{"id": k, "errors": [{"message": v}]} for k, v in exc.problems.items()]}
    return {"inputs": [{"id": item.id, "errors": []} for item in flow.inputs or ()]}


# -- one execution --------------------------------------------------------------------------------------------------
@router.get("/executions/{execution_id}")
async def get_execution(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return _document(request, rt.control.get(execution_id))


@router.get("/executions/{execution_id}/follow")
async def follow_execution(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> StreamingResponse:
    rt.control.get(execution_id)  # 404 before the stream starts

    async def events() -> AsyncIterator[str]:
        with rt.live.executions_of(execution_id) as updates:
            last = None
            while True:
                current = rt.control.get(execution_id)
                document = json.dumps(_document(request, current))
                if document != last:
                    yield f"event: execution\ndata: {document}\n\n"
                    last = document
                if current.state.current.is_terminal:
                    return
                try:
                    await asyncio.wait_for(updates.get(), FOLLOW_POLL_SECONDS)
                except TimeoutError:
                    yield ": keepalive\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.get("/executions/{execution_id}/graph")
async def execution_graph(execution_id: str, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    """The graph of the flow revision the execution runs, each task node with the states of its task runs."""
    execution = rt.control.get(execution_id)
    graph = flow_graph_document(_flow(rt, execution.namespace, execution.flow_id, execution.flow_revision))
    states: dict[str, list[dict[str, Any]]] = {}
    for run in execution.task_run_list:
        states.setdefault(run.task_id, []).append({"id": run.id, "value": run.value, "state": run.state.current.value})
    for node in graph["nodes"]:
        task = node.get("task") or {}
        if task.get("id") in states:
            node["taskRuns"] = states[task["id"]]
    return graph


@router.get("/executions/{execution_id}/flow")
async def execution_flow(execution_id: str, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    from choreo.api.documents import flow_document

    execution = rt.control.get(execution_id)
    record = rt.store.flows.get(execution.namespace, execution.flow_id, execution.flow_revision)
    if record is None:
        raise ApiError(
            404, f"flow revision {execution.flow_revision} of '{execution.namespace}.{execution.flow_id}' not found"
        )
    return flow_document(record, source=False)


def _action(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Kestra 2.x (kestrapy) serves actions under /executions/{id}/actions/{name}."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        method = "DELETE" if name == "kill" else "POST"
        paths = [f"/executions/{{execution_id}}/actions/{name}"]
        if name == "kill":  # Kestra 1.x's spelling; the other 1.x actions share their path shape with creation
            paths.append("/executions/{execution_id}/kill")
        for path in paths:
            router.add_api_route(path, handler, methods=[method], status_code=202 if name == "kill" else 200)
        return handler

    return register


@_action("kill")
async def kill(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return _document(request, rt.control.kill(execution_id))


@_action("pause")
async def pause(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return _document(request, rt.control.pause(execution_id))


@_action("resume")
async def resume(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    execution = rt.control.get(execution_id)
    flow = _flow(rt, execution.namespace, execution.flow_id, execution.flow_revision)
    inputs, _ = await _form_inputs(request, rt, flow, execution_id)
    return _document(request, rt.control.resume(execution_id, inputs))


@_action("restart")
async def restart(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return _document(request, rt.control.restart(execution_id))


@_action("replay")
async def replay(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    task_run_id = request.query_params.get("taskRunId") or None
    return _document(request, rt.control.replay(execution_id, task_run_id))


@_action("replay-with-inputs")
async def replay_with_inputs(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    execution = rt.control.get(execution_id)
    flow = _flow(rt, execution.namespace, execution.flow_id, execution.flow_revision)
    inputs, _ = await _form_inputs(request, rt, flow, new_id())
    task_run_id = request.query_params.get("taskRunId") or None
    return _document(request, rt.control.replay(execution_id, task_run_id, inputs))


@_action("change-status")
async def change_status(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return _document(request, rt.control.change_state(execution_id, _state(request.query_params.get("status"))))


@_action("state")
async def change_task_run_state(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    body = await request.json()
    if not isinstance(body, dict) or not body.get("taskRunId"):
        raise ApiError(400, 'expected {"taskRunId": "...", "state": "SUCCESS|WARNING|FAILED|..."}')
    changed = rt.control.change_task_run_state(execution_id, str(body["taskRunId"]), _state(body.get("state")))
    return _document(request, changed)


@_action("labels")
async def set_labels(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    body = await request.json()
    if not isinstance(body, list):
        raise ApiError(400, 'expected a JSON list of {"key": ..., "value": ...}')
    try:
        labels = {str(item["key"]): str(item["value"]) for item in body}
    except (KeyError, TypeError):
        raise ApiError(400, 'each label needs a "key" and a "value"') from None
    return _document(request, rt.control.set_labels(execution_id, labels))


@_action("unqueue")
async def unqueue(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    state = _state(request.query_params.get("state") or "RUNNING")
    return _document(request, rt.control.unqueue(execution_id, state))


@_action("force-run")
async def force_run(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return _document(request, rt.control.unqueue(execution_id, State.RUNNING))


#: Kestra 1.x's POST actions on one execution, at /executions/{executionId}/{action}.
_SINGLE_ACTIONS: dict[str, Callable[..., Any]] = {
    "pause": pause,
    "resume": resume,
    "restart": restart,
    "replay": replay,
    "replay-with-inputs": replay_with_inputs,
    "change-status": change_status,
    "state": change_task_run_state,
    "labels": set_labels,
    "unqueue": unqueue,
    "force-run": force_run,
}


def _state(value: Any) -> State:
    try:
        return State(str(value))
    except ValueError:
        raise ApiError(400, f"unknown state '{value}'") from None


@router.post("/executions/{execution_id}/actions/eval/{task_run_id}")
@router.post("/executions/{execution_id}/eval/{task_run_id}")
async def eval_in_task_run(
    execution_id: str, task_run_id: str, request: Request, rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    """Render an expression with the variables the task run saw (outputs, inputs, parents…)."""
    execution = rt.control.get(execution_id)
    run = execution.find_task_run(task_run_id)
    if run is None:
        raise ApiError(404, f"task run '{task_run_id}' not found in execution '{execution_id}'")
    return _eval(rt, execution, (await request.body()).decode("utf-8"), run)


@router.post("/executions/{execution_id}/actions/eval")
async def eval_in_execution(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    execution = rt.control.get(execution_id)
    return _eval(rt, execution, (await request.body()).decode("utf-8"), None)


def _eval(rt: Runtime, execution: Execution, expression: str, run: Any) -> dict[str, Any]:
    flow = _flow(rt, execution.namespace, execution.flow_id, execution.flow_revision)
    task = rt.executor.tasks_of(flow).get(run.task_id) if run is not None else None
    variables = build_variables(flow, execution, task=task, run=run)
    try:
        result = rt.app.expressions.render(expression, variables)
    except ChoreoError as exc:
        return {"result": None, "error": str(exc)}
    return {"result": result if isinstance(result, str) else json.dumps(result, default=str), "error": None}


# -- files and outputs ----------------------------------------------------------------------------------------------
def _execution_file(rt: Runtime, execution_id: str, path: str | None) -> str:
    """A kestra:// URI of this execution's files (or of its flow's namespace files read by it)."""
    execution = rt.control.get(execution_id)
    if not path or not path.startswith("kestra://"):
        raise ApiError(400, "path: expected a kestra:// URI")
    if execution_id_of(path) != execution.id:
        raise ApiError(404, f"'{path}' is not a file of execution '{execution_id}'")
    return path


@router.get("/executions/{execution_id}/file")
async def download_file(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> Response:
    uri = _execution_file(rt, execution_id, request.query_params.get("path"))
    data = await asyncio.to_thread(rt.storage.read_bytes, uri)
    name = uri.rsplit("/", 1)[-1]
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/executions/{execution_id}/file/metas")
async def file_metas(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    uri = _execution_file(rt, execution_id, request.query_params.get("path"))
    return {"size": (await asyncio.to_thread(rt.storage.attributes, uri)).size}


@router.get("/executions/{execution_id}/file/preview")
async def preview_file(execution_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    uri = _execution_file(rt, execution_id, request.query_params.get("path"))
    max_rows = int(request.query_params.get("maxRows", 100))
    encoding = request.query_params.get("encoding", "utf-8")
    data = await asyncio.to_thread(rt.storage.read_bytes, uri)
    extension = uri.rsplit(".", 1)[-1].lower() if "." in uri.rsplit("/", 1)[-1] else ""
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        raise ApiError(422, f"the file is not readable as {encoding} text") from None
    lines = text.splitlines()
    truncated = len(lines) > max_rows
    return {"extension": extension, "content": "\n".join(lines[:max_rows]), "truncated": truncated}


@router.get("/outputs/executions/{execution_id}")
async def execution_outputs(execution_id: str, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return rt.control.get(execution_id).outputs or {}


@router.get("/outputs/tasks/{execution_id}")
async def task_outputs(execution_id: str, rt: Runtime = Depends(runtime)) -> list[dict[str, Any]]:
    execution = rt.control.get(execution_id)
    return [
        {"taskId": run.task_id, "taskRunId": run.id, "value": run.value, "iteration": run.iteration, "inline": True}
        for run in execution.task_run_list
        if run.outputs
    ]


@router.get("/outputs/tasks/{execution_id}/{task_run_id}")
async def task_run_outputs(execution_id: str, task_run_id: str, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    run = rt.control.get(execution_id).find_task_run(task_run_id)
    if run is None:
        raise ApiError(404, f"task run '{task_run_id}' not found in execution '{execution_id}'")
    return run.outputs or {}
