"""Flows and their revisions: the YAML source byte for byte plus its JSON form, one row per revision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, select
from sqlalchemy.exc import IntegrityError

from choreo.store._base import Repository, contains_text, fetch_page, in_namespace
from choreo.store.errors import Conflict, NotFound
from choreo.store.records import FlowRecord, Page
from choreo.store.schema import flow_revisions as revs
from choreo.store.schema import flows as heads

_LATEST = heads.join(
    revs, and_(revs.c.namespace == heads.c.namespace, revs.c.id == heads.c.id, revs.c.revision == heads.c.revision)
)
_RECORD = select(revs)


def _row_to_flow(row: Row[Any]) -> FlowRecord:
    return FlowRecord(
        namespace=row.namespace,
        id=row.id,
        revision=row.revision,
        source=row.source,
        flow_json=row.flow_json,
        deleted=row.deleted,
        updated=row.updated,
    )


class FlowRepository(Repository):
    def save(
        self, namespace: str, id: str, source: str, *, flow_json: dict[str, Any], now: datetime | None = None
    ) -> int:
        """Store `source` as the flow's next revision and return its number; an unchanged source keeps the revision."""
        with self._scope.write() as unit:
            latest = unit.conn.execute(
                select(revs.c.revision, revs.c.source, revs.c.deleted)
                .select_from(_LATEST)
                .where(heads.c.namespace == namespace, heads.c.id == id)
                .with_for_update(of=heads)
            ).one_or_none()
            if latest is not None and latest.source == source and not latest.deleted:
                return int(latest.revision)
            revision = 1 if latest is None else latest.revision + 1
            self._write_revision(unit.conn, namespace, id, revision, source, flow_json, False, self._now(now))
            return revision

    def _write_revision(
        self,
        conn: Any,
        namespace: str,
        id: str,
        revision: int,
        source: str,
        flow_json: Any,
        deleted: bool,
        now: datetime,
    ) -> None:
        try:
            conn.execute(
                revs.insert(),
                {
                    "namespace": namespace,
                    "id": id,
                    "revision": revision,
                    "source": source,
                    "flow_json": flow_json,
                    "deleted": deleted,
                    "updated": now,
                },
            )
        except IntegrityError as exc:
            raise Conflict(f"flow {namespace}.{id} was saved concurrently; retry") from exc
        head = self._dialect.insert(heads)
        conn.execute(
            head.on_conflict_do_update(index_elements=[heads.c.namespace, heads.c.id], set_={"revision": revision}),
            {"namespace": namespace, "id": id, "revision": revision},
        )

    def get(self, namespace: str, id: str, revision: int | None = None, *, deleted: bool = False) -> FlowRecord | None:
        """The latest revision (None when the flow is deleted, unless `deleted=True`), or the revision asked for."""
        if revision is None:
            stmt = _RECORD.select_from(_LATEST).where(heads.c.namespace == namespace, heads.c.id == id)
        else:
            stmt = _RECORD.where(revs.c.namespace == namespace, revs.c.id == id, revs.c.revision == revision)
        with self._scope.read() as unit:
            row = unit.conn.execute(stmt).one_or_none()
        if row is None or (row.deleted and revision is None and not deleted):
            return None
        return _row_to_flow(row)

    def latest_revision(self, namespace: str, id: str) -> int | None:
        """The number of the latest live revision, or None (deleted or unknown): a key lookup that reads neither
        the source nor the JSON, for callers that cache parsed revisions."""
        stmt = (
            select(revs.c.revision, revs.c.deleted)
            .select_from(_LATEST)
            .where(heads.c.namespace == namespace, heads.c.id == id)
        )
        with self._scope.read() as unit:
            row = unit.conn.execute(stmt).one_or_none()
        return None if row is None or row.deleted else int(row.revision)

    def latest_revisions(self) -> dict[tuple[str, str], int]:
        """(namespace, id) → latest live revision of every flow, in one query."""
        stmt = select(revs.c.namespace, revs.c.id, revs.c.revision, revs.c.deleted).select_from(_LATEST)
        with self._scope.read() as unit:
            return {(row.namespace, row.id): int(row.revision) for row in unit.conn.execute(stmt) if not row.deleted}

    def revisions(self, namespace: str, id: str) -> list[FlowRecord]:
        """Every revision of the flow, oldest first (deletions included, flagged)."""
        stmt = _RECORD.where(revs.c.namespace == namespace, revs.c.id == id).order_by(revs.c.revision)
        with self._scope.read() as unit:
            return [_row_to_flow(row) for row in unit.conn.execute(stmt)]

    def list(
        self, namespace: str | None = None, *, query: str | None = None, page: int = 1, size: int = 25
    ) -> Page[FlowRecord]:
        """Latest revisions of live flows in `namespace` and its children, matching `query` (substring of id or
        namespace, case-insensitive), ordered by namespace then id."""
        where: list[Any] = [revs.c.deleted.is_(False)]
        if namespace is not None:
            where.append(in_namespace(heads.c.namespace, namespace))
        if query:
            where.append(contains_text([heads.c.id, heads.c.namespace], query))
        rows = _RECORD.select_from(_LATEST).order_by(heads.c.namespace, heads.c.id)
        with self._scope.read() as unit:
            return fetch_page(unit.conn, rows, where, page, size, _row_to_flow)

    def delete(self, namespace: str, id: str, *, now: datetime | None = None) -> int:
        """Soft-delete: a new revision flagged deleted, same source. Returns its number; NotFound if no live flow."""
        with self._scope.write() as unit:
            latest = unit.conn.execute(
                _RECORD.select_from(_LATEST)
                .where(heads.c.namespace == namespace, heads.c.id == id)
                .with_for_update(of=heads)
            ).one_or_none()
            if latest is None or latest.deleted:
                raise NotFound(f"flow {namespace}.{id} not found")
            revision = latest.revision + 1
            self._write_revision(
                unit.conn, namespace, id, revision, latest.source, latest.flow_json, True, self._now(now)
            )
            return revision

    def namespaces(self) -> list[str]:
        """Namespaces holding at least one live flow, sorted."""
        stmt = select(heads.c.namespace).select_from(_LATEST).where(revs.c.deleted.is_(False)).distinct()
        with self._scope.read() as unit:
            return sorted(unit.conn.execute(stmt).scalars())
