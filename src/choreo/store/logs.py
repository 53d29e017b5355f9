"""Log lines of task runs and trigger evaluations, appended in batches, read per execution or searched."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from choreo.store._base import Repository, contains_text, fetch_page, in_namespace, order_by
from choreo.store.errors import InvalidQuery
from choreo.store.records import LogEntry, LogLevel, Page
from choreo.store.schema import logs as table

_FIELDS = (
    "namespace",
    "flow_id",
    "execution_id",
    "task_id",
    "task_run_id",
    "attempt_number",
    "trigger_id",
    "timestamp",
    "level",
    "thread",
    "message",
)
_SORTS = {"timestamp": table.c.timestamp, "level": table.c.level, "id": table.c.id}
_INSERT = table.insert()


def _row_to_log(row: Any) -> LogEntry:
    return LogEntry(**{name: getattr(row, name) for name in _FIELDS}, id=row.id)


def _levels(min_level: LogLevel | str) -> list[str]:
    return [level.value for level in LogLevel(str(min_level).upper()).and_above()]


class LogRepository(Repository):
    def append(self, entries: Sequence[LogEntry]) -> None:
        """Store a batch of lines with one statement (executed with many parameter sets)."""
        if not entries:
            return
        rows = [{name: getattr(entry, name) for name in _FIELDS} for entry in entries]
        for row in rows:
            row["level"] = row["level"].value
        with self._scope.write() as unit:
            unit.conn.execute(_INSERT, rows)

    def for_execution(
        self,
        execution_id: str,
        *,
        min_level: LogLevel | str | None = None,
        task_run_id: str | None = None,
        task_id: str | None = None,
        attempt_number: int | None = None,
        after_id: int | None = None,
        limit: int | None = None,
    ) -> list[LogEntry]:
        """The execution's lines in time order (ties in insertion order). `after_id` returns only lines stored
        after the one with that id (tailing: pass the last `id` seen)."""
        stmt = select(table).where(table.c.execution_id == execution_id)
        if min_level is not None:
            stmt = stmt.where(table.c.level.in_(_levels(min_level)))
        if task_run_id is not None:
            stmt = stmt.where(table.c.task_run_id == task_run_id)
        if task_id is not None:
            stmt = stmt.where(table.c.task_id == task_id)
        if attempt_number is not None:
            stmt = stmt.where(table.c.attempt_number == attempt_number)
        if after_id is not None:
            stmt = stmt.where(table.c.id > after_id)
        stmt = stmt.order_by(table.c.timestamp, table.c.id).limit(limit)
        with self._scope.read() as unit:
            return [_row_to_log(row) for row in unit.conn.execute(stmt)]

    def search(
        self,
        *,
        namespace: str | None = None,
        flow_id: str | None = None,
        execution_id: str | None = None,
        trigger_id: str | None = None,
        min_level: LogLevel | str | None = None,
        start_after: datetime | None = None,
        start_before: datetime | None = None,
        text: str | None = None,
        page: int = 1,
        size: int = 25,
        sort: str = "timestamp:desc",
    ) -> Page[LogEntry]:
        """Lines matching every filter given; `namespace` includes children, `text` is a case-insensitive
        substring of the message, `start_after` is inclusive and `start_before` exclusive on the timestamp."""
        where: list[Any] = []
        if namespace is not None:
            where.append(in_namespace(table.c.namespace, namespace))
        if flow_id is not None:
            where.append(table.c.flow_id == flow_id)
        if execution_id is not None:
            where.append(table.c.execution_id == execution_id)
        if trigger_id is not None:
            where.append(table.c.trigger_id == trigger_id)
        if min_level is not None:
            where.append(table.c.level.in_(_levels(min_level)))
        if start_after is not None:
            where.append(table.c.timestamp >= start_after)
        if start_before is not None:
            where.append(table.c.timestamp < start_before)
        if text:
            where.append(contains_text([table.c.message], text))
        rows = select(table).order_by(*order_by(sort, _SORTS, table.c.id))
        with self._scope.read() as unit:
            return fetch_page(unit.conn, rows, where, page, size, _row_to_log)

    def delete_for_execution(self, execution_id: str) -> int:
        """Remove the execution's lines; returns how many."""
        with self._scope.write() as unit:
            return unit.conn.execute(delete(table).where(table.c.execution_id == execution_id)).rowcount

    def delete_matching(
        self,
        *,
        execution_id: str | None = None,
        namespace: str | None = None,
        flow_id: str | None = None,
        trigger_id: str | None = None,
        min_level: LogLevel | str | None = None,
        task_run_id: str | None = None,
        task_id: str | None = None,
        attempt_number: int | None = None,
    ) -> int:
        """Remove the lines matching every filter given (`namespace` exact); returns how many. At least an
        execution or a flow must be named, so that a forgotten filter never empties the table."""
        if execution_id is None and (namespace is None or flow_id is None):
            raise InvalidQuery("delete_matching needs an execution id, or a namespace and a flow id")
        stmt = delete(table)
        for column, value in (
            (table.c.execution_id, execution_id),
            (table.c.namespace, namespace),
            (table.c.flow_id, flow_id),
            (table.c.trigger_id, trigger_id),
            (table.c.task_run_id, task_run_id),
            (table.c.task_id, task_id),
            (table.c.attempt_number, attempt_number),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        if min_level is not None:
            stmt = stmt.where(table.c.level.in_(_levels(min_level)))
        with self._scope.write() as unit:
            return unit.conn.execute(stmt).rowcount

    def purge(
        self,
        *,
        before: datetime,
        after: datetime | None = None,
        namespace: str | None = None,
        flow_id: str | None = None,
        execution_id: str | None = None,
        levels: Sequence[str] | None = None,
        of_executions: bool = True,
        of_nothing_else: bool = True,
    ) -> tuple[int, int]:
        """Delete the lines written before `before` (and from `after` on) matching the filters (`namespace` with its
        children, exact when `flow_id` is given); those of executions and/or the others (trigger lines…). The
        numbers deleted of each."""
        where = [table.c.timestamp < before]
        if after is not None:
            where.append(table.c.timestamp >= after)
        if namespace is not None:
            where.append(table.c.namespace == namespace if flow_id else in_namespace(table.c.namespace, namespace))
        if flow_id is not None:
            where.append(table.c.flow_id == flow_id)
        if execution_id is not None:
            where.append(table.c.execution_id == execution_id)
        if levels:
            where.append(table.c.level.in_([getattr(level, "value", level) for level in levels]))
        counts = []
        with self._scope.write() as unit:
            for wanted, kind in ((of_executions, table.c.execution_id.is_not(None)), (of_nothing_else, None)):
                if not wanted or (kind is None and execution_id is not None):
                    counts.append(0)
                    continue
                selected = kind if kind is not None else table.c.execution_id.is_(None)
                counts.append(unit.conn.execute(delete(table).where(*where, selected)).rowcount)
        return counts[0], counts[1]

    def delete_before(self, before: datetime, *, namespace: str | None = None) -> int:
        """Purge lines older than `before` (retention), optionally in one namespace and its children."""
        stmt = delete(table).where(table.c.timestamp < before)
        if namespace is not None:
            stmt = stmt.where(in_namespace(table.c.namespace, namespace))
        with self._scope.write() as unit:
            return unit.conn.execute(stmt).rowcount
