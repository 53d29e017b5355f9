"""Logs: search, read, download and delete an execution's lines, and follow them live (SSE) until it ends.

Routes with literal segments (`/logs/search`) are declared before templated ones (`/logs/{executionId}`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from fastapi import Depends, Query, Request, Response
from fastapi.responses import PlainTextResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from choreo.api.app import runtime, tenant_router
from choreo.api.documents import log_document
from choreo.api.errors import ApiError
from choreo.api.filters import Filters, parse
from choreo.api.routes.misc import page_of, parse_instant, sort_key
from choreo.model.durations import parse_duration
from choreo.server.runtime import Runtime
from choreo.store.records import LogEntry, LogLevel

router = tenant_router()

#: How often a follower re-reads the store and the execution's state while no live line arrives.
FOLLOW_POLL_SECONDS = 0.5
#: A comment line is sent after this long without data, so proxies keep the connection open.
KEEPALIVE_SECONDS = 10.0
_SORTS = ("timestamp", "level", "id")
_LEGACY = {
    "namespace": "namespace",
    "flowId": "flowId",
    "executionId": "executionId",
    "taskId": "taskId",
    "triggerId": "triggerId",
    "minLevel": "level",
    "level": "level",
    "q": "q",
    "startDate": "startDate",
    "endDate": "endDate",
}


def _level(value: str | None, name: str = "minLevel") -> LogLevel | None:
    if value is None or value == "":
        return None
    try:
        return LogLevel(value.strip().upper())
    except ValueError:
        levels = ", ".join(level.value for level in LogLevel)
        raise ApiError(400, f"{name}: unknown log level {value!r}, expected one of {levels}") from None


@dataclass
class LineFilter:
    """What the per-execution routes (read, download, delete, follow) select."""

    min_level: LogLevel | None = None
    task_run_id: str | None = None
    task_id: str | None = None
    attempt: int | None = None

    def accepts(self, entry: LogEntry) -> bool:
        return (
            (self.min_level is None or entry.level.severity >= self.min_level.severity)
            and (self.task_run_id is None or entry.task_run_id == self.task_run_id)
            and (self.task_id is None or entry.task_id == self.task_id)
            and (self.attempt is None or entry.attempt_number == self.attempt)
        )

    def read(self, rt: Runtime, execution_id: str, after_id: int | None = None) -> list[LogEntry]:
        return rt.store.logs.for_execution(
            execution_id,
            min_level=self.min_level,
            task_run_id=self.task_run_id,
            task_id=self.task_id,
            attempt_number=self.attempt,
            after_id=after_id,
        )


def line_filter(
    min_level: str | None = Query(default=None, alias="minLevel"),
    task_run_id: str | None = Query(default=None, alias="taskRunId"),
    task_id: str | None = Query(default=None, alias="taskId"),
    attempt: int | None = Query(default=None, ge=0),
) -> LineFilter:
    return LineFilter(_level(min_level), task_run_id or None, task_id or None, attempt)


# -- search --------------------------------------------------------------------------------------------------------


@dataclass
class SearchCriteria:
    namespace: str | None = None
    flow_id: str | None = None
    execution_id: str | None = None
    trigger_id: str | None = None
    task_id: str | None = None
    min_level: LogLevel | None = None
    start_after: datetime | None = None
    start_before: datetime | None = None
    text: str | None = None


def _criteria(filters: Filters) -> SearchCriteria:
    """Kestra's log filters as the repository's arguments; an operation it cannot honour is a 400, not ignored."""
    criteria = SearchCriteria()
    for item in filters.all_of:
        value = "" if item.value is None else str(item.value)
        field, operation = item.field, item.operation
        if field in ("namespace", "flowId", "executionId", "triggerId", "taskId") and operation == "EQUALS":
            name = {"flowId": "flow_id", "executionId": "execution_id", "triggerId": "trigger_id", "taskId": "task_id"}
            setattr(criteria, name.get(field, field), value)
        elif field == "namespace" and operation in ("PREFIX", "STARTS_WITH"):
            criteria.namespace = value  # the repository's namespace filter includes children
        elif field in ("level", "minLevel") and operation in ("EQUALS", "GREATER_THAN_OR_EQUAL_TO"):
            criteria.min_level = _level(value, f"filters[{field}]")  # Kestra: a level filter keeps that level and above
        elif field == "q" and operation in ("EQUALS", "CONTAINS"):
            criteria.text = value
        elif field == "startDate" and operation in ("GREATER_THAN", "GREATER_THAN_OR_EQUAL_TO", "EQUALS"):
            criteria.start_after = parse_instant(value, "filters[startDate]")
        elif field == "endDate" and operation in ("LESS_THAN", "LESS_THAN_OR_EQUAL_TO", "EQUALS"):
            end = parse_instant(value, "filters[endDate]")
            criteria.start_before = end if operation == "LESS_THAN" else end + timedelta(microseconds=1)
        elif field == "timeRange" and operation == "EQUALS":
            try:
                criteria.start_after = datetime.now(UTC) - parse_duration(value)
            except ValueError as exc:
                raise ApiError(400, f"filters[timeRange]: {exc}") from None
        else:
            raise ApiError(400, f"filters[{field}][{operation}]: not a supported log filter")
    if filters.any_of:
        raise ApiError(400, "log search: 'or' filter groups are not supported")
    return criteria


def _search_in_execution(
    rt: Runtime, execution_id: str, criteria: SearchCriteria, page: int, size: int, sort: tuple[str, bool]
) -> tuple[list[LogEntry], int]:
    """An execution's lines (a bounded set) filtered in memory: the only way to filter on the task id."""
    lines = rt.store.logs.for_execution(execution_id, min_level=criteria.min_level, task_id=criteria.task_id)
    keep: list[Callable[[LogEntry], bool]] = [
        lambda e: (
            criteria.namespace is None
            or e.namespace == criteria.namespace
            or e.namespace.startswith(criteria.namespace + ".")
        ),
        lambda e: criteria.flow_id is None or e.flow_id == criteria.flow_id,
        lambda e: criteria.trigger_id is None or e.trigger_id == criteria.trigger_id,
        lambda e: criteria.start_after is None or e.timestamp >= criteria.start_after,
        lambda e: criteria.start_before is None or e.timestamp < criteria.start_before,
        lambda e: not criteria.text or criteria.text.lower() in e.message.lower(),
    ]
    found = [entry for entry in lines if all(check(entry) for check in keep)]
    field, descending = sort
    key: Callable[[LogEntry], Any] = {
        "timestamp": lambda e: (e.timestamp, e.id or 0),
        "level": lambda e: (e.level.value, e.id or 0),
        "id": lambda e: e.id or 0,
    }[field]
    found.sort(key=key, reverse=descending)
    return page_of(found, page, size), len(found)


@router.get("/logs/search")
def search_logs(
    request: Request,
    page: int = Query(default=1, ge=1),
    size: int = Query(default=25, ge=1, le=10_000),
    sort: list[str] | None = Query(default=None),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """Kestra's `CursorOrOffsetPagedResults<LogEntry>` (always offset-paged here)."""
    criteria = _criteria(parse(request.query_params, legacy=_LEGACY))
    field, descending = sort_key(sort, _SORTS, "timestamp:desc")
    if criteria.task_id is not None:
        if criteria.execution_id is None:
            raise ApiError(400, "filters[taskId] needs filters[executionId]: task ids are only unique in an execution")
        items, total = _search_in_execution(rt, criteria.execution_id, criteria, page, size, (field, descending))
    else:
        found = rt.store.logs.search(
            namespace=criteria.namespace,
            flow_id=criteria.flow_id,
            execution_id=criteria.execution_id,
            trigger_id=criteria.trigger_id,
            min_level=criteria.min_level,
            start_after=criteria.start_after,
            start_before=criteria.start_before,
            text=criteria.text,
            page=page,
            size=size,
            sort=f"{field}:{'desc' if descending else 'asc'}",
        )
        items, total = found.items, found.total
    return {"results": [log_document(entry) for entry in items], "total": total, "type": "OFFSET"}


# -- one execution's lines -----------------------------------------------------------------------------------------


@router.get("/logs/{execution_id}")
def list_logs(
    execution_id: str, lines: LineFilter = Depends(line_filter), rt: Runtime = Depends(runtime)
) -> list[dict[str, Any]]:
    return [log_document(entry) for entry in lines.read(rt, execution_id)]


def pretty_line(entry: LogEntry) -> str:
    """One line of a downloaded log: `timestamp LEVEL [task] message` (continuation lines indented)."""
    stamp = entry.timestamp.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    where = f" [{entry.task_id}]" if entry.task_id else (f" [{entry.trigger_id}]" if entry.trigger_id else "")
    message = entry.message.replace("\r\n", "\n").replace("\n", "\n    ")
    return f"{stamp} {entry.level.value}{where} {message}"


@router.get("/logs/{execution_id}/download")
def download_logs(
    execution_id: str, lines: LineFilter = Depends(line_filter), rt: Runtime = Depends(runtime)
) -> PlainTextResponse:
    text = "".join(pretty_line(entry) + "\n" for entry in lines.read(rt, execution_id))
    disposition = f"attachment; filename*=UTF-8''{quote(execution_id, safe='')}.log"
    return PlainTextResponse(text, headers={"Content-Disposition": disposition})


def _event(entry: LogEntry) -> str:
    return f"data: {json.dumps(log_document(entry))}\n\n"


def _identity(entry: LogEntry) -> tuple[Any, ...]:
    """A line as a live follower sees it and as it is stored later (the stored copy has an id, the live one not)."""
    return (
        entry.timestamp,
        entry.level,
        entry.message,
        entry.task_run_id,
        entry.task_id,
        entry.attempt_number,
        entry.trigger_id,
    )


class _Follower:
    """Sends each line once: stored lines first, then live ones as the worker writes them, until the end."""

    def __init__(self, rt: Runtime, execution_id: str, lines: LineFilter) -> None:
        self.rt = rt
        self.execution_id = execution_id
        self.lines = lines
        self.sent: set[tuple[Any, ...]] = set()
        self.last_id: int | None = None

    def fresh(self, entries: list[LogEntry]) -> list[str]:
        events = []
        for entry in entries:
            if entry.id is not None:
                self.last_id = max(self.last_id or 0, entry.id)
            identity = _identity(entry)
            if identity in self.sent or not self.lines.accepts(entry):
                continue
            self.sent.add(identity)
            events.append(_event(entry))
        return events

    async def stored(self) -> list[str]:
        """Lines stored since the last read (written by another process, or flushed later than announced)."""
        entries = await run_in_threadpool(self.lines.read, self.rt, self.execution_id, self.last_id)
        return self.fresh(entries)

    async def ended(self) -> bool:
        execution = await run_in_threadpool(self.rt.store.executions.get, self.execution_id)
        return execution is None or execution.state.current.is_terminal


async def follow_events(rt: Runtime, execution_id: str, lines: LineFilter, request: Request) -> AsyncIterator[str]:
    follower = _Follower(rt, execution_id, lines)
    loop = asyncio.get_running_loop()
    # Subscribe before reading the store, so no line written in between is missed (duplicates are dropped).
    with rt.live.logs_of(execution_id) as live:
        for event in await follower.stored():
            yield event
        quiet_since = stored_at = loop.time()
        while True:
            # Check the end first: once terminal, every line is stored, and one last read sends the rest.
            if await follower.ended():
                for event in await follower.stored():
                    yield event
                return
            try:
                first = await asyncio.wait_for(live.get(), FOLLOW_POLL_SECONDS)
                entries = [first]
                while not live.empty():
                    entries.append(live.get_nowait())
                events = follower.fresh(entries)
                if loop.time() - stored_at >= FOLLOW_POLL_SECONDS:
                    # Lines written before this follower subscribed (still in the worker's buffer then) are only
                    # in the store: read it now and then even while live lines keep coming.
                    stored_at = loop.time()
                    events += await follower.stored()
            except TimeoutError:
                stored_at = loop.time()
                events = await follower.stored()
            for event in events:
                yield event
            if events:
                quiet_since = loop.time()
            elif loop.time() - quiet_since >= KEEPALIVE_SECONDS:
                quiet_since = loop.time()
                yield ": keepalive\n\n"
            if await request.is_disconnected():
                return


@router.get("/logs/{execution_id}/follow")
async def follow_logs(
    execution_id: str, request: Request, lines: LineFilter = Depends(line_filter), rt: Runtime = Depends(runtime)
) -> StreamingResponse:
    if await run_in_threadpool(rt.store.executions.get, execution_id) is None:
        raise ApiError(404, f"execution '{execution_id}' not found")
    return StreamingResponse(
        follow_events(rt, execution_id, lines, request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


# -- deletion ------------------------------------------------------------------------------------------------------


@router.delete("/logs/{execution_id}", status_code=204)
def delete_logs(
    execution_id: str, lines: LineFilter = Depends(line_filter), rt: Runtime = Depends(runtime)
) -> Response:
    rt.store.logs.delete_matching(
        execution_id=execution_id,
        min_level=lines.min_level,
        task_run_id=lines.task_run_id,
        task_id=lines.task_id,
        attempt_number=lines.attempt,
    )
    return Response(status_code=204)


@router.delete("/logs/{namespace}/{flow_id}", status_code=204)
def delete_flow_logs(
    namespace: str,
    flow_id: str,
    trigger_id: str | None = Query(default=None, alias="triggerId"),
    rt: Runtime = Depends(runtime),
) -> Response:
    """The flow's lines (only its trigger's with `triggerId`)."""
    rt.store.logs.delete_matching(namespace=namespace, flow_id=flow_id, trigger_id=trigger_id or None)
    return Response(status_code=204)
