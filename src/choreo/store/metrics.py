"""Metric points (counters and timers) emitted by task runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select

from choreo.store._base import Repository
from choreo.store.records import MetricEntry
from choreo.store.schema import metrics as table

_FIELDS = ("namespace", "flow_id", "execution_id", "task_id", "task_run_id", "name", "value", "timestamp")
_INSERT = table.insert()


def _row_to_metric(row: Any) -> MetricEntry:
    return MetricEntry(**{name: getattr(row, name) for name in _FIELDS}, type=row.type, tags=row.tags, id=row.id)


class MetricRepository(Repository):
    def append(self, entries: Sequence[MetricEntry]) -> None:
        """Store a batch of points with one statement."""
        if not entries:
            return
        rows = [
            {**{name: getattr(entry, name) for name in _FIELDS}, "type": entry.type.value, "tags": dict(entry.tags)}
            for entry in entries
        ]
        with self._scope.write() as unit:
            unit.conn.execute(_INSERT, rows)

    def for_execution(
        self, execution_id: str, *, task_run_id: str | None = None, name: str | None = None
    ) -> list[MetricEntry]:
        """The execution's points in time order."""
        stmt = select(table).where(table.c.execution_id == execution_id)
        if task_run_id is not None:
            stmt = stmt.where(table.c.task_run_id == task_run_id)
        if name is not None:
            stmt = stmt.where(table.c.name == name)
        with self._scope.read() as unit:
            return [_row_to_metric(row) for row in unit.conn.execute(stmt.order_by(table.c.timestamp, table.c.id))]

    def delete_for_execution(self, execution_id: str) -> int:
        with self._scope.write() as unit:
            return unit.conn.execute(delete(table).where(table.c.execution_id == execution_id)).rowcount
