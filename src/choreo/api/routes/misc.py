"""Health, server configuration, Prometheus metrics, daily execution statistics and API tokens.

Also the small helpers the other route modules share: reading an ISO date from a request, matching a value against
one of Kestra's query filters, and paging an in-memory list.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from choreo import __version__
from choreo.api.app import runtime, tenant_router
from choreo.api.errors import ApiError
from choreo.api.filters import Filter
from choreo.engine.jobs import EXECUTION_JOB, TASK_JOB
from choreo.model.durations import format_duration
from choreo.model.state import State
from choreo.server.runtime import Runtime

T = TypeVar("T")

SYSTEM_NAMESPACE = "system"
PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: The longest range daily statistics are computed over (one entry per day).
MAX_STATISTICS_DAYS = 3660
DEFAULT_STATISTICS_DAYS = 30

# -- helpers shared by the route modules ---------------------------------------------------------------------------

_OFFSET_AS_SPACE = re.compile(r" (\d{2}:?\d{2})$")


def parse_instant(value: str, name: str) -> datetime:
    """An ISO-8601 date or date-time from a request (naive values are UTC); 400 naming `name` otherwise."""
    stripped = value.strip()
    # An offset's '+' sent unencoded in a query string arrives as a space: put it back.
    for candidate in (stripped, _OFFSET_AS_SPACE.sub(r"+\1", stripped)):
        try:
            parsed = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return parsed if parsed.utcoffset() is not None else parsed.replace(tzinfo=UTC)
    raise ApiError(400, f"{name}: invalid date {value!r}, expected ISO-8601 such as 2024-01-31T12:00:00Z")


def matches(item: Filter, value: str | None) -> bool:
    """Whether `value` satisfies one text filter (`filters[field][OPERATION]=…`); 400 for an operation that makes no
    sense on text. Substring operations ignore case, as Kestra's `q` does."""
    wanted = item.value if isinstance(item.value, str) else ("" if item.value is None else str(item.value))
    operation = item.operation
    if operation == "IS_NULL":
        return value is None
    if operation == "IS_NOT_NULL":
        return value is not None
    if value is None:
        return operation in ("NOT_EQUALS", "NOT_IN", "NOT_CONTAINS")
    listed = [part for part in wanted.split(",") if part]
    if operation == "EQUALS":
        return value == wanted
    if operation == "NOT_EQUALS":
        return value != wanted
    if operation == "IN":
        return value in listed
    if operation == "NOT_IN":
        return value not in listed
    if operation == "CONTAINS":
        return wanted.lower() in value.lower()
    if operation == "NOT_CONTAINS":
        return wanted.lower() not in value.lower()
    if operation == "STARTS_WITH":
        return value.startswith(wanted)
    if operation == "ENDS_WITH":
        return value.endswith(wanted)
    if operation == "PREFIX":  # a namespace and its children
        return value == wanted or value.startswith(wanted + ".")
    if operation == "REGEX":
        try:
            return re.search(wanted, value) is not None
        except re.error as exc:
            raise ApiError(400, f"filters[{item.field}][REGEX]: invalid regular expression: {exc}") from None
    raise ApiError(400, f"filters[{item.field}][{operation}]: operation not supported on this field")


def page_of(items: list[T], page: int, size: int) -> list[T]:
    """One page (from 1) of an in-memory list."""
    start = (page - 1) * size
    return items[start : start + size]


def sort_key(sort: list[str] | None, allowed: tuple[str, ...], default: str) -> tuple[str, bool]:
    """The first `field:asc|desc` of a `sort` parameter, checked against `allowed`: (field, descending)."""
    field, _, direction = (sort[0] if sort else default).partition(":")
    if field not in allowed or direction.lower() not in ("", "asc", "desc"):
        raise ApiError(400, f"sort: cannot sort by {sort[0]!r}: use one of {', '.join(allowed)} with :asc or :desc")
    return field, direction.lower() == "desc"


# -- routes outside /api/v1/{tenant} -------------------------------------------------------------------------------

_plain = APIRouter()


@_plain.get("/health")
def health(rt: Runtime = Depends(runtime)) -> JSONResponse:
    """UP when the store answers a query: load balancers and orchestrators probe this (no credentials needed)."""
    try:
        rt.store.ping()
    except Exception as exc:  # any failure of the database means the server cannot serve
        return JSONResponse({"status": "DOWN", "details": {"store": type(exc).__name__}}, status_code=503)
    return JSONResponse({"status": "UP"})


@_plain.get("/api/v1/configs")
def configuration(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    """Kestra's server configuration document (what the UI and kestrapy's `misc.configuration()` read)."""
    return {
        # Stable for one installation: derived from where its data lives, never random per start.
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"choreo:{rt.config.database}")),
        "version": __version__,
        "edition": "OSS",
        "commitId": "",
        "isBasicAuthInitialized": rt.config.auth_enabled,
        "isAnonymousUsageEnabled": False,
        "isUiAnonymousUsageEnabled": False,
        "isCustomDashboardsEnabled": False,
        "isAiEnabled": False,
        "systemNamespace": SYSTEM_NAMESPACE,
        "hiddenLabelsPrefixes": ["system."],
        "url": str(request.base_url).rstrip("/"),
        "preview": {"initial": 100, "max": 5000},
        "chartDefaultDuration": "P30D",
    }


@_plain.get("/metrics")
def metrics(rt: Runtime = Depends(runtime)) -> PlainTextResponse:
    """Prometheus text exposition of what the store holds: executions by state, queue depth, build."""
    lines = [
        "# HELP choreo_build_info Choreo build information.",
        "# TYPE choreo_build_info gauge",
        f'choreo_build_info{{version="{__version__}"}} 1',
        "# HELP choreo_executions_total Executions stored, by current state.",
        "# TYPE choreo_executions_total gauge",
    ]
    for state in State:
        count = rt.store.executions.search(states=[state], size=1).total
        lines.append(f'choreo_executions_total{{state="{state.value}"}} {count}')
    lines += ["# HELP choreo_queue_jobs Jobs in the queue, by kind and claim.", "# TYPE choreo_queue_jobs gauge"]
    for kind in (EXECUTION_JOB, TASK_JOB):
        for claimed in (False, True):
            count = rt.store.queue.count(kind, claimed=claimed)
            lines.append(f'choreo_queue_jobs{{kind="{kind}",claimed="{str(claimed).lower()}"}} {count}')
    lines += [
        "# HELP choreo_flows Live flows.",
        "# TYPE choreo_flows gauge",
        f"choreo_flows {rt.store.flows.list(size=1).total}",
    ]
    return PlainTextResponse("\n".join(lines) + "\n", media_type=PROMETHEUS_CONTENT_TYPE)


# -- routes under /api/v1/{tenant} ---------------------------------------------------------------------------------

_tenant = tenant_router()


class DailyStatisticsRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    namespace: str | None = None
    flow_id: str | None = Field(default=None, alias="flowId")
    start_date: str | None = Field(default=None, alias="startDate")
    end_date: str | None = Field(default=None, alias="endDate")


def _statistics_range(start: str | None, end: str | None) -> tuple[date, date]:
    last = (parse_instant(end, "endDate") if end else datetime.now(UTC)).astimezone(UTC).date()
    first = (
        parse_instant(start, "startDate").astimezone(UTC).date()
        if start
        else last - timedelta(days=DEFAULT_STATISTICS_DAYS)
    )
    if first > last:
        raise ApiError(400, f"startDate {first} is after endDate {last}")
    if (last - first).days >= MAX_STATISTICS_DAYS:
        raise ApiError(400, f"the range {first}..{last} is too long: at most {MAX_STATISTICS_DAYS} days")
    return first, last


def _duration_summary(durations: list[timedelta]) -> dict[str, Any]:
    if not durations:
        zero = format_duration(timedelta(0))
        return {"min": zero, "avg": zero, "max": zero, "sum": zero, "count": 0}
    total = sum(durations, timedelta(0))
    return {
        "min": format_duration(min(durations)),
        "avg": format_duration(total / len(durations)),
        "max": format_duration(max(durations)),
        "sum": format_duration(total),
        "count": len(durations),
    }


def daily_statistics(
    rt: Runtime, namespace: str | None, flow_id: str | None, start: str | None, end: str | None
) -> list[dict[str, Any]]:
    """Kestra's `DailyExecutionStatistics`, one per UTC day of the range (days without executions included):
    executions counted by their current state on the day they started; durations of the ended ones."""
    first, last = _statistics_range(start, end)
    counts: dict[date, Counter[str]] = {}
    durations: dict[date, list[timedelta]] = {}
    timings = rt.store.executions.timings(
        datetime.combine(first, time(0), UTC),
        datetime.combine(last + timedelta(days=1), time(0), UTC),
        namespace=namespace or None,
        flow_id=flow_id or None,
    )
    for started, ended, state in timings:
        day = started.astimezone(UTC).date()
        counts.setdefault(day, Counter())[state] += 1
        if ended is not None:
            durations.setdefault(day, []).append(ended - started)
    result = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        day_counts = counts.get(day, Counter())
        result.append(
            {
                "startDate": datetime.combine(day, time(0), UTC).isoformat().replace("+00:00", "Z"),
                "duration": _duration_summary(durations.get(day, [])),
                "executionCounts": {state.value: day_counts.get(state.value, 0) for state in State},
                "groupBy": "day",
            }
        )
    return result


@_tenant.post("/stats/executions/daily")
def post_daily_statistics(
    body: DailyStatisticsRequest | None = None, rt: Runtime = Depends(runtime)
) -> list[dict[str, Any]]:
    body = body or DailyStatisticsRequest()
    return daily_statistics(rt, body.namespace, body.flow_id, body.start_date, body.end_date)


# Kestra 1.x's `/executions/daily` works only while this router is matched before executions' `/executions/{id}`.
@_tenant.get("/stats/executions/daily")
@_tenant.get("/executions/daily")
def get_daily_statistics(
    namespace: str | None = None,
    flow_id: str | None = Query(default=None, alias="flowId"),
    start_date: str | None = Query(default=None, alias="startDate"),
    end_date: str | None = Query(default=None, alias="endDate"),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    return daily_statistics(rt, namespace, flow_id, start_date, end_date)


def _percentile(ordered: list[timedelta], fraction: float) -> timedelta:
    """The nearest-rank percentile of sorted durations."""
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


@_tenant.get("/stats/executions/durations")
def duration_statistics(
    namespace: str | None = None,
    flow_id: str | None = Query(default=None, alias="flowId"),
    start_date: str | None = Query(default=None, alias="startDate"),
    end_date: str | None = Query(default=None, alias="endDate"),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """Choreo's addition for the dashboard: the durations of the executions that ended, over the whole range
    (percentiles cannot be combined from the daily figures): count, p50, p95, average, and the success rate among
    the ended ones."""
    first, last = _statistics_range(start_date, end_date)
    timings = rt.store.executions.timings(
        datetime.combine(first, time(0), UTC),
        datetime.combine(last + timedelta(days=1), time(0), UTC),
        namespace=namespace or None,
        flow_id=flow_id or None,
    )
    ended = [(finish - started, state) for started, finish, state in timings if finish is not None]
    ordered = sorted(duration for duration, _ in ended)
    if not ordered:
        return {"count": 0, "p50": None, "p95": None, "avg": None, "successRate": None}
    succeeded = sum(1 for _, state in ended if state == State.SUCCESS.value)
    return {
        "count": len(ordered),
        "p50": format_duration(_percentile(ordered, 0.50)),
        "p95": format_duration(_percentile(ordered, 0.95)),
        "avg": format_duration(sum(ordered, timedelta(0)) / len(ordered)),
        "successRate": succeeded / len(ordered),
    }


@_tenant.get("/cluster/components")
def components(rt: Runtime = Depends(runtime)) -> list[dict[str, Any]]:
    """Choreo's addition: every component of every process on this store (executors, workers, schedulers,
    trigger listeners, webservers), with its last heartbeat and whether it is alive (`choreo server status`)."""
    now = datetime.now(UTC)
    timeout = timedelta(seconds=rt.config.heartbeat_timeout)
    return [{**c.to_json(), "alive": now - c.heartbeat <= timeout} for c in rt.store.components.list()]


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    name: str = Field(min_length=1, max_length=200)
    expires_at: datetime | None = Field(default=None, alias="expiresAt")


@_tenant.post("/tokens", status_code=201)
def create_token(body: TokenRequest, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    """A new API token; the secret is in this answer only (the store keeps its hash)."""
    name = body.name.strip()
    if not name:
        raise ApiError(400, "name: give the token a name (what or who uses it)")
    expires_at = body.expires_at
    if expires_at is not None:
        expires_at = expires_at if expires_at.utcoffset() is not None else expires_at.replace(tzinfo=UTC)
        if expires_at <= datetime.now(UTC):
            raise ApiError(400, f"expiresAt {expires_at.isoformat()} is in the past")
    token, secret = rt.store.tokens.create(name, expires_at=expires_at)
    return {**token.to_json(), "token": secret}


@_tenant.get("/tokens")
def list_tokens(rt: Runtime = Depends(runtime)) -> list[dict[str, Any]]:
    return [token.to_json() for token in rt.store.tokens.list()]


@_tenant.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: str, rt: Runtime = Depends(runtime)) -> Response:
    if not rt.store.tokens.revoke(token_id):
        raise ApiError(404, f"API token '{token_id}' not found")
    return Response(status_code=204)


router = APIRouter()
router.include_router(_plain)
router.include_router(_tenant)
