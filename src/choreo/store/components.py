"""Components and their heartbeats: who is alive, and who stopped beating (dead: what it held goes to others)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from choreo.store._base import Repository
from choreo.store.schema import components as table


@dataclass(frozen=True, slots=True)
class Component:
    id: str
    kind: str
    host: str
    pid: int
    worker_group: str | None
    threads: int | None
    started: datetime
    heartbeat: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.kind.upper(),
            "hostname": self.host,
            "pid": self.pid,
            "workerGroup": self.worker_group,
            "threads": self.threads,
            "startedAt": _iso(self.started),
            "heartbeatAt": _iso(self.heartbeat),
        }


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _row_to_component(row: Any) -> Component:
    return Component(
        id=row.id,
        kind=row.kind,
        host=row.host,
        pid=row.pid,
        worker_group=row.worker_group,
        threads=row.threads,
        started=row.started,
        heartbeat=row.heartbeat,
    )


def _component_row(component: Component, heartbeat: datetime) -> dict[str, Any]:
    return {
        "id": component.id,
        "kind": component.kind,
        "host": component.host,
        "pid": component.pid,
        "worker_group": component.worker_group,
        "threads": component.threads,
        "started": component.started,
        "heartbeat": heartbeat,
    }


class ComponentRepository(Repository):
    def beat(self, components: list[Component], *, now: datetime | None = None) -> set[str]:
        """Record that `components` are alive now, registering those that have no row: the ids registered, which for
        a component that had beaten before means it was declared dead (and its jobs taken back) meanwhile."""
        if not components:
            return set()
        now = self._now(now)
        ids = [c.id for c in components]
        with self._scope.write() as unit:
            present = set(
                unit.conn.execute(
                    update(table).where(table.c.id.in_(ids)).values(heartbeat=now).returning(table.c.id)
                ).scalars()
            )
            missing = [c for c in components if c.id not in present]
            if missing:
                insert = self._dialect.insert(table)
                stmt = insert.on_conflict_do_update(
                    index_elements=[table.c.id], set_={"heartbeat": insert.excluded.heartbeat}
                )
                unit.conn.execute(stmt, [_component_row(c, now) for c in missing])
        return {c.id for c in missing}

    def list(self) -> list[Component]:
        with self._scope.read() as unit:
            rows = unit.conn.execute(select(table).order_by(table.c.kind, table.c.started))
            return [_row_to_component(row) for row in rows]

    def live(self, timeout: timedelta, *, now: datetime | None = None) -> list[Component]:
        cutoff = self._now(now) - timeout
        return [c for c in self.list() if c.heartbeat >= cutoff]

    def stale(self, timeout: timedelta, *, now: datetime | None = None) -> list[Component]:
        """Components whose last heartbeat is older than `timeout`: presumed dead."""
        cutoff = self._now(now) - timeout
        with self._scope.read() as unit:
            rows = unit.conn.execute(select(table).where(table.c.heartbeat < cutoff))
            return [_row_to_component(row) for row in rows]

    def remove_if_stale(self, component_id: str, timeout: timedelta, *, now: datetime | None = None) -> bool:
        """Delete a dead component's row; True for the one caller that did (several may reap at once)."""
        cutoff = self._now(now) - timeout
        stmt = delete(table).where(table.c.id == component_id, table.c.heartbeat < cutoff)
        with self._scope.write() as unit:
            return unit.conn.execute(stmt).rowcount == 1

    def remove(self, component_ids: list[str]) -> int:
        """A component stopping cleanly leaves."""
        with self._scope.write() as unit:
            return unit.conn.execute(delete(table).where(table.c.id.in_(component_ids))).rowcount
