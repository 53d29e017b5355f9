"""The job queue: the database is the broker.

A job is pushed in the same transaction as the state change that caused it. Consumers `claim` jobs of a kind
(competing: each job goes to one consumer; PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite the write lock), then `ack`
them (the row is deleted, so the table holds only live jobs) or `release` them. Jobs of a consumer that died are put
back by `reclaim_stale`. Delayed jobs carry `available_at`; `next_available_at` tells a consumer how long to sleep.

Wake-ups: PostgreSQL `NOTIFY choreo_queue, '<kind>'` (sent on commit) for `store.listen()`; in-process callbacks
(`store.on_commit_push`) on both backends.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update

from choreo.store._base import PreparedWrite, Repository
from choreo.store.records import Job
from choreo.store.schema import queue as table

_INSERT = table.insert()
_PENDING = table.c.claimed_by.is_(None)


def _row_to_job(row: Any) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        key=row.key,
        payload=row.payload,
        group=row.consumer_group,
        available_at=row.available_at,
        created=row.created,
        claimed_by=row.claimed_by,
        claimed_at=row.claimed_at,
        deliveries=row.deliveries,
    )


def _claim_statement(grouped: bool) -> Any:
    group = table.c.consumer_group == bindparam("p_group") if grouped else table.c.consumer_group.is_(None)
    candidates = (
        select(table.c.id)
        .where(table.c.kind == bindparam("p_kind"), _PENDING, table.c.available_at <= bindparam("p_now"), group)
        .order_by(table.c.id)
        .limit(bindparam("p_limit"))
        .with_for_update(skip_locked=True)
    )
    return (
        update(table)
        .where(table.c.id.in_(candidates.scalar_subquery()))
        .values(claimed_by=bindparam("p_consumer"), claimed_at=bindparam("p_now"), deliveries=table.c.deliveries + 1)
        .returning(*table.c)
    )


_CLAIM = {False: _claim_statement(False), True: _claim_statement(True)}


def _job_rows(
    kind: str, jobs: Iterable[tuple[str | None, Any, datetime | None]], group: str | None, now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "kind": kind,
            "key": key,
            "payload": payload,
            "consumer_group": group,
            "available_at": available_at or now,
            "created": now,
            "deliveries": 0,
        }
        for key, payload, available_at in jobs
    ]


class QueueRepository(Repository):
    def push(
        self,
        kind: str,
        payload: Any,
        *,
        key: str | None = None,
        group: str | None = None,
        available_at: datetime | None = None,
        now: datetime | None = None,
    ) -> int:
        """Add a job and return its id. It becomes claimable when the transaction commits and `available_at` (default
        now) has come; `group` restricts it to consumers of that group (Kestra's worker groups)."""
        now = self._now(now)
        row = {
            "kind": kind,
            "key": key,
            "payload": payload,
            "consumer_group": group,
            "available_at": available_at or now,
            "created": now,
            "deliveries": 0,
        }
        with self._scope.write() as unit:
            notify = kind not in unit.pushed and self._insert_notifying() is not None
            if notify:  # PostgreSQL: the NOTIFY rides on the INSERT (RETURNING pg_notify(…)), no extra round trip
                job_id = unit.conn.execute(self._insert_notifying(), row).first()[0]  # type: ignore[index]
                unit.pushed.add(kind)
            else:
                job_id = unit.conn.execute(_INSERT, row).inserted_primary_key[0]  # type: ignore[index]
                self._announce(unit, [kind])
        return int(job_id)

    def _insert_notifying(self) -> Any:
        """`INSERT … RETURNING id, pg_notify(channel, kind)` on PostgreSQL (None elsewhere), built once."""

        def build(dialect: Any) -> Any:
            column = dialect.notify_column(table.c.kind)
            return None if column is None else table.insert().returning(table.c.id, column)

        return self._context.statement("queue.insert_notifying", build)

    def push_many(
        self,
        kind: str,
        jobs: Iterable[tuple[str | None, Any, datetime | None]],
        *,
        group: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Add several jobs of one kind — (key, payload, available_at) each — with one statement."""
        rows = _job_rows(kind, jobs, group, self._now(now))
        if not rows:
            return
        with self._scope.write() as unit:
            unit.conn.execute(_INSERT, rows)
            self._announce(unit, [kind])

    def prepare_push_many(
        self,
        kind: str,
        jobs: Iterable[tuple[str | None, Any, datetime | None]],
        *,
        group: str | None = None,
        now: datetime | None = None,
    ) -> PreparedWrite:
        """`push_many`'s rows converted ahead, for `write_prepared` (no database access here)."""
        return self._prepare("queue.insert", _INSERT, _job_rows(kind, jobs, group, self._now(now)), announce=(kind,))

    def claim(
        self, kind: str, consumer_id: str, limit: int = 1, *, group: str | None = None, now: datetime | None = None
    ) -> list[Job]:
        """Up to `limit` available jobs of `kind` (of `group`, or ungrouped when None), oldest first, now claimed by
        `consumer_id`. Concurrent claimers never get the same job."""
        params = {"p_kind": kind, "p_consumer": consumer_id, "p_now": self._now(now), "p_limit": limit}
        if group is not None:
            params["p_group"] = group
        with self._scope.write_one() as unit:  # one statement: no BEGIN / COMMIT round trips on PostgreSQL
            rows = unit.conn.execute(_CLAIM[group is not None], params).all()
        return sorted((_row_to_job(row) for row in rows), key=lambda job: job.id)

    def ack(self, job_ids: Iterable[int], *, consumer_id: str | None = None) -> int:
        """Finish jobs: their rows are deleted. With `consumer_id`, only jobs it still holds (not reclaimed)."""
        stmt = delete(table).where(table.c.id.in_(list(job_ids)))
        if consumer_id is not None:
            stmt = stmt.where(table.c.claimed_by == consumer_id)
        with self._scope.write() as unit:
            return unit.conn.execute(stmt).rowcount

    def release(
        self, job_ids: Iterable[int], *, consumer_id: str | None = None, available_at: datetime | None = None
    ) -> int:
        """Give claimed jobs back (optionally delayed until `available_at`), for another consumer or a later try."""
        values: dict[str, Any] = {"claimed_by": None, "claimed_at": None}
        if available_at is not None:
            values["available_at"] = available_at
        stmt = update(table).where(table.c.id.in_(list(job_ids)), table.c.claimed_by.is_not(None))
        if consumer_id is not None:
            stmt = stmt.where(table.c.claimed_by == consumer_id)
        return self._unclaim(stmt.values(**values))

    def reclaim_stale(self, older_than: timedelta, *, now: datetime | None = None) -> int:
        """Put back jobs claimed more than `older_than` ago (their consumer is presumed dead). Returns how many."""
        cutoff = self._now(now) - older_than
        stmt = update(table).where(table.c.claimed_by.is_not(None), table.c.claimed_at < cutoff)
        return self._unclaim(stmt.values(claimed_by=None, claimed_at=None))

    def claimed_by(self, consumer_id: str, kind: str | None = None) -> list[Job]:
        """The jobs `consumer_id` holds (of `kind`)."""
        stmt = select(table).where(table.c.claimed_by == consumer_id).order_by(table.c.id)
        if kind is not None:
            stmt = stmt.where(table.c.kind == kind)
        with self._scope.read() as unit:
            return [_row_to_job(row) for row in unit.conn.execute(stmt)]

    def reclaim_consumer(self, consumer_id: str) -> int:
        """Put back every job held by one consumer (known to be gone)."""
        stmt = update(table).where(table.c.claimed_by == consumer_id)
        return self._unclaim(stmt.values(claimed_by=None, claimed_at=None))

    def _unclaim(self, stmt: Any) -> int:
        with self._scope.write() as unit:
            kinds = list(unit.conn.execute(stmt.returning(table.c.kind)).scalars())
            self._announce(unit, set(kinds))
        return len(kinds)

    def extend(self, job_ids: Iterable[int], consumer_id: str, *, now: datetime | None = None) -> int:
        """Heartbeat: refresh the claim time of jobs `consumer_id` still holds, so `reclaim_stale` leaves them."""
        stmt = (
            update(table)
            .where(table.c.id.in_(list(job_ids)), table.c.claimed_by == consumer_id)
            .values(claimed_at=self._now(now))
        )
        with self._scope.write() as unit:
            return unit.conn.execute(stmt).rowcount

    def next_available_at(self, kind: str, *, group: str | None = None) -> datetime | None:
        """When the earliest unclaimed job of `kind` becomes (or became) available; None when there is none."""
        group_filter = table.c.consumer_group.is_(None) if group is None else table.c.consumer_group == group
        stmt = select(func.min(table.c.available_at)).where(table.c.kind == kind, _PENDING, group_filter)
        with self._scope.read() as unit:
            return unit.conn.execute(stmt).scalar_one_or_none()

    def count(self, kind: str | None = None, *, claimed: bool | None = None) -> int:
        """How many jobs are in the table (of `kind`; claimed or not)."""
        stmt = select(func.count()).select_from(table)
        if kind is not None:
            stmt = stmt.where(table.c.kind == kind)
        if claimed is not None:
            stmt = stmt.where(table.c.claimed_by.is_not(None) if claimed else _PENDING)
        with self._scope.read() as unit:
            return int(unit.conn.execute(stmt).scalar_one())
