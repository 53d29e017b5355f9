"""Executions: the JSON document is the truth; the other columns are derived from it on save, to filter and sort.

Also the `execution_queued` FIFO of executions waiting for a flow's concurrency limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, delete, func, select, tuple_

from choreo.model.execution import Execution
from choreo.model.state import State
from choreo.store._base import PreparedWrite, Repository, contains_text, fetch_page, in_namespace, order_by
from choreo.store.dialects import Dialect
from choreo.store.errors import InvalidQuery, TransactionRequired
from choreo.store.records import Page
from choreo.store.schema import execution_queued as queued
from choreo.store.schema import executions as table

#: The states `count_running` counts by default: what a flow's concurrency limit counts in Kestra.
CONCURRENCY_STATES = (State.RUNNING, State.PAUSED)

_SORTS = {
    "id": table.c.id,
    "namespace": table.c.namespace,
    "flowId": table.c.flow_id,
    "state": table.c.state,
    "state.current": table.c.state,
    "startDate": table.c.start_date,
    "state.startDate": table.c.start_date,
    "endDate": table.c.end_date,
    "state.endDate": table.c.end_date,
    "created": table.c.created,
    "updated": table.c.updated,
}
_UPDATED_ON_CONFLICT = [c.name for c in table.c if c.name not in ("id", "created")]


def _columns(execution: Execution, now: datetime) -> dict[str, Any]:
    """The row for an execution: the only place the indexed columns are derived from the document."""
    document = execution.document()
    state = execution.state
    return {
        "id": execution.id,
        "namespace": execution.namespace,
        "flow_id": execution.flow_id,
        "state": state.current.value,
        "start_date": state.start_date,
        "end_date": state.end_date,
        "labels": document["labels"],
        "parent_id": execution.parent_id,
        "trigger_id": execution.trigger.id if execution.trigger else None,
        "deleted": execution.deleted,
        "created": now,
        "updated": now,
        "document": document,
    }


def _state_values(states: Iterable[State | str]) -> list[str]:
    try:
        return [State(state).value for state in states]
    except ValueError as exc:
        raise InvalidQuery(f"{exc}: states are {', '.join(State)}") from exc


def _row_to_execution(row: Any) -> Execution:
    return Execution.model_validate(row.document)


def _upsert(dialect: Dialect) -> Any:
    insert = dialect.insert(table)
    return insert.on_conflict_do_update(
        index_elements=[table.c.id], set_={name: insert.excluded[name] for name in _UPDATED_ON_CONFLICT}
    )


def _upsert_announced(dialect: Dialect) -> Any:
    column = dialect.execution_saved_column(table.c.id)
    return _upsert(dialect) if column is None else _upsert(dialect).returning(column)


_GET = select(table.c.document).where(table.c.id == bindparam("id"))
_GET_FOR_UPDATE = _GET.with_for_update()


class ExecutionRepository(Repository):
    def save(self, execution: Execution, *, now: datetime | None = None) -> None:
        """Insert or replace the execution (on PostgreSQL, its id is announced to other processes on commit: their
        live views update at once)."""
        stmt = self._context.statement("executions.upsert_announced", _upsert_announced)
        with self._scope.write() as unit:
            result = unit.conn.execute(stmt, _columns(execution, self._now(now)))
            if result.returns_rows:
                result.all()  # the announcement (pg_notify) is in the RETURNING clause

    def save_many(self, executions: Sequence[Execution], *, now: datetime | None = None) -> None:
        """Insert or replace several executions with one statement (a tick of the scheduler)."""
        if not executions:
            return
        stmt = self._context.statement("executions.upsert", _upsert)
        now = self._now(now)
        with self._scope.write() as unit:
            unit.conn.execute(stmt, [_columns(execution, now) for execution in executions])

    def prepare_save_many(self, executions: Sequence[Execution], *, now: datetime | None = None) -> PreparedWrite:
        """`save_many`'s rows converted ahead, for `write_prepared` (no database access here)."""
        now = self._now(now)
        rows = [_columns(execution, now) for execution in executions]
        return self._prepare("executions.upsert", self._context.statement("executions.upsert", _upsert), rows)

    def get(self, id: str) -> Execution | None:
        with self._scope.read() as unit:
            row = unit.conn.execute(_GET, {"id": id}).one_or_none()
        return None if row is None else _row_to_execution(row)

    def get_for_update(self, id: str) -> Execution | None:
        """Read and lock the execution until the transaction ends (PostgreSQL row lock; SQLite's write transaction
        already excludes other writers). Only inside `store.transaction()`."""
        if not self._scope.in_transaction:
            raise TransactionRequired("get_for_update() locks until commit: call it on a store.transaction()")
        with self._scope.write() as unit:
            row = unit.conn.execute(_GET_FOR_UPDATE, {"id": id}).one_or_none()
        return None if row is None else _row_to_execution(row)

    def search(
        self,
        *,
        namespace: str | None = None,
        exact_namespace: bool = False,
        flow_id: str | None = None,
        states: Iterable[State | str] | None = None,
        labels: Mapping[str, str] | None = None,
        start_after: datetime | None = None,
        start_before: datetime | None = None,
        text: str | None = None,
        parent_id: str | None = None,
        include_deleted: bool = False,
        page: int = 1,
        size: int = 25,
        sort: str = "startDate:desc",
    ) -> Page[Execution]:
        """Executions matching every filter given. `namespace` includes child namespaces unless `exact_namespace`;
        `labels` must all be
        present; `start_after` is inclusive, `start_before` exclusive; `text` is a case-insensitive substring of
        the id, namespace, flow id or labels. `sort` is `field:asc|desc` over id, namespace, flowId, state,
        startDate, endDate, created, updated."""
        where: list[Any] = []
        if not include_deleted:
            where.append(table.c.deleted.is_(False))
        if namespace is not None:
            where.append(
                table.c.namespace == namespace if exact_namespace else in_namespace(table.c.namespace, namespace)
            )
        if flow_id is not None:
            where.append(table.c.flow_id == flow_id)
        if states is not None:
            where.append(table.c.state.in_(_state_values(states)))
        for key, value in (labels or {}).items():
            where.append(self._dialect.labels_contain(table.c.labels, key, value))
        if start_after is not None:
            where.append(table.c.start_date >= start_after)
        if start_before is not None:
            where.append(table.c.start_date < start_before)
        if text:
            where.append(
                contains_text([table.c.id, table.c.namespace, table.c.flow_id, cast(table.c.labels, Text)], text)
            )
        if parent_id is not None:
            where.append(table.c.parent_id == parent_id)
        rows = select(table.c.document).order_by(*order_by(sort, _SORTS, table.c.id))
        with self._scope.read() as unit:
            return fetch_page(unit.conn, rows, where, page, size, _row_to_execution)

    def delete(self, id: str) -> bool:
        """Remove the execution (and its place in the concurrency queue). False when there was none."""
        with self._scope.write() as unit:
            return unit.conn.execute(delete(table).where(table.c.id == id)).rowcount > 0

    def timings(
        self, start_after: datetime, start_before: datetime, *, namespace: str | None = None, flow_id: str | None = None
    ) -> list[tuple[datetime, datetime | None, str]]:
        """(start, end, state) of the live executions started in [start_after, start_before), for statistics;
        `namespace` includes its children."""
        stmt = select(table.c.start_date, table.c.end_date, table.c.state).where(
            table.c.deleted.is_(False), table.c.start_date >= start_after, table.c.start_date < start_before
        )
        if namespace is not None:
            stmt = stmt.where(in_namespace(table.c.namespace, namespace))
        if flow_id is not None:
            stmt = stmt.where(table.c.flow_id == flow_id)
        with self._scope.read() as unit:
            return [(row.start_date, row.end_date, row.state) for row in unit.conn.execute(stmt)]

    def count_by_flow(
        self,
        *,
        after: datetime,
        before: datetime | None = None,
        states: Iterable[State | str] | None = None,
        namespaces: Sequence[str] | None = None,
        flows: Sequence[tuple[str, str]] | None = None,
    ) -> dict[tuple[str, str], int]:
        """(namespace, flow id) → how many executions started from `after` (before `before`), in `states`, of the
        flows in `namespaces` (exact) or among `flows`. Flows without any are absent."""
        where: list[Any] = [table.c.deleted.is_(False), table.c.start_date >= after]
        if before is not None:
            where.append(table.c.start_date < before)
        if states:
            where.append(table.c.state.in_(_state_values(states)))
        if namespaces:
            where.append(table.c.namespace.in_(list(namespaces)))
        if flows:
            where.append(tuple_(table.c.namespace, table.c.flow_id).in_(list(flows)))
        stmt = select(table.c.namespace, table.c.flow_id, func.count()).where(*where)
        with self._scope.read() as unit:
            rows = unit.conn.execute(stmt.group_by(table.c.namespace, table.c.flow_id)).all()
        return {(row[0], row[1]): int(row[2]) for row in rows}

    def count_running(self, namespace: str, flow_id: str, states: Iterable[State] = CONCURRENCY_STATES) -> int:
        """How many of the flow's executions are in `states` (by default those a concurrency limit counts)."""
        stmt = select(func.count()).where(
            table.c.namespace == namespace,
            table.c.flow_id == flow_id,
            table.c.state.in_(_state_values(states)),
            table.c.deleted.is_(False),
        )
        with self._scope.read() as unit:
            return int(unit.conn.execute(stmt).scalar_one())

    # -- the concurrency queue: executions waiting for a free slot, FIFO per flow --------------------------------

    def enqueue(self, execution: Execution, *, now: datetime | None = None) -> None:
        """Append a (saved) QUEUED execution to its flow's waiting line."""
        row = {
            "namespace": execution.namespace,
            "flow_id": execution.flow_id,
            "execution_id": execution.id,
            "created": self._now(now),
        }
        with self._scope.write() as unit:
            unit.conn.execute(queued.insert(), row)

    def dequeue(self, namespace: str, flow_id: str) -> str | None:
        """Take the id of the flow's oldest waiting execution out of the line, or None."""
        oldest = (
            select(queued.c.id)
            .where(queued.c.namespace == namespace, queued.c.flow_id == flow_id)
            .order_by(queued.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        stmt = delete(queued).where(queued.c.id == oldest).returning(queued.c.execution_id)
        with self._scope.write() as unit:
            return unit.conn.execute(stmt).scalar_one_or_none()

    def queued(self, namespace: str, flow_id: str) -> list[str]:
        """Ids of the flow's waiting executions, oldest first."""
        stmt = (
            select(queued.c.execution_id)
            .where(queued.c.namespace == namespace, queued.c.flow_id == flow_id)
            .order_by(queued.c.id)
        )
        with self._scope.read() as unit:
            return list(unit.conn.execute(stmt).scalars())

    def unqueue(self, execution_id: str) -> bool:
        """Take one execution out of its line (Kestra's *unqueue*). False when it was not waiting."""
        with self._scope.write() as unit:
            return unit.conn.execute(delete(queued).where(queued.c.execution_id == execution_id)).rowcount > 0
