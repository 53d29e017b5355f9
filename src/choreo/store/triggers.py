"""Trigger state per (namespace, flow, trigger): dates, backfill, the running execution, and an evaluation lock.

The lock is a lease: `try_lock` takes it when free, expired or already ours, for `ttl`; `unlock` frees it. Several
schedulers can then evaluate triggers without two of them firing the same one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, tuple_, update

from choreo.store._base import PreparedWrite, Repository
from choreo.store.records import TriggerState
from choreo.store.schema import triggers as table

_STATE_FIELDS = ("last_date", "next_date", "backfill", "disabled", "execution_id", "context")


def _row_to_trigger(row: Any) -> TriggerState:
    return TriggerState(
        namespace=row.namespace,
        flow_id=row.flow_id,
        trigger_id=row.trigger_id,
        last_date=row.last_date,
        next_date=row.next_date,
        backfill=row.backfill,
        disabled=row.disabled,
        execution_id=row.execution_id,
        context=row.context or {},
        locked_by=row.locked_by,
        locked_until=row.locked_until,
        updated=row.updated,
    )


_RELEASE = (
    update(table)
    .where(
        table.c.namespace == bindparam("k_namespace"),
        table.c.flow_id == bindparam("k_flow_id"),
        table.c.trigger_id == bindparam("k_trigger_id"),
    )
    .values(
        **{name: bindparam(name) for name in _STATE_FIELDS},
        updated=bindparam("updated"),
        locked_by=None,
        locked_until=None,
    )
)


#: `_RELEASE` only while the claim is still the caller's: same owner, same expiry (a later claim, even by the same
#: owner after this one expired, has another).
_RELEASE_HELD = _RELEASE.where(table.c.locked_by == bindparam("k_owner"), table.c.locked_until == bindparam("k_until"))


def _release_rows(states: Sequence[TriggerState], now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "k_namespace": state.namespace,
            "k_flow_id": state.flow_id,
            "k_trigger_id": state.trigger_id,
            **{name: getattr(state, name) for name in _STATE_FIELDS},
            "context": dict(state.context),
            "updated": now,
        }
        for state in states
    ]


def _key(namespace: str, flow_id: str, trigger_id: str) -> list[Any]:
    return [table.c.namespace == namespace, table.c.flow_id == flow_id, table.c.trigger_id == trigger_id]


class TriggerRepository(Repository):
    def get(self, namespace: str, flow_id: str, trigger_id: str) -> TriggerState | None:
        with self._scope.read() as unit:
            row = unit.conn.execute(select(table).where(*_key(namespace, flow_id, trigger_id))).one_or_none()
        return None if row is None else _row_to_trigger(row)

    def put(self, state: TriggerState, *, now: datetime | None = None) -> TriggerState:
        """Insert or update the state (never the lock columns, which only `try_lock`/`unlock` write)."""
        now = self._now(now)
        values = {name: getattr(state, name) for name in _STATE_FIELDS}
        values["context"] = dict(state.context)
        insert = self._dialect.insert(table)
        stmt = insert.on_conflict_do_update(
            index_elements=[table.c.namespace, table.c.flow_id, table.c.trigger_id],
            set_={name: insert.excluded[name] for name in (*_STATE_FIELDS, "updated")},
        ).returning(table)
        key = {"namespace": state.namespace, "flow_id": state.flow_id, "trigger_id": state.trigger_id}
        with self._scope.write() as unit:
            row = unit.conn.execute(stmt, {**key, **values, "updated": now}).one()
        return _row_to_trigger(row)

    def with_backfill(self) -> list[TriggerState]:
        """The states that hold a backfill (running or paused)."""
        stmt = select(table).where(table.c.backfill.is_not(None)).order_by(table.c.namespace, table.c.flow_id)
        with self._scope.read() as unit:
            return [_row_to_trigger(row) for row in unit.conn.execute(stmt) if row.backfill]

    def list(self, namespace: str | None = None, flow_id: str | None = None) -> list[TriggerState]:
        stmt = select(table).order_by(table.c.namespace, table.c.flow_id, table.c.trigger_id)
        if namespace is not None:
            stmt = stmt.where(table.c.namespace == namespace)
        if flow_id is not None:
            stmt = stmt.where(table.c.flow_id == flow_id)
        with self._scope.read() as unit:
            return [_row_to_trigger(row) for row in unit.conn.execute(stmt)]

    def due(
        self,
        *,
        now: datetime | None = None,
        limit: int | None = None,
        locks_now: datetime | None = None,
        after: datetime | None = None,
    ) -> list[TriggerState]:
        """Enabled, unlocked triggers whose next date has come by `now` (and is later than `after`), soonest first.
        Locks are judged at `locks_now` (default `now`): a scheduler evaluating a second ahead asks what is due
        then, unlocked now."""
        now = self._now(now)
        locks_now = locks_now or now
        where = [
            table.c.next_date <= now,
            table.c.disabled.is_(False),
            table.c.locked_until.is_(None) | (table.c.locked_until <= locks_now),
        ]
        if after is not None:
            where.append(table.c.next_date > after)
        stmt = select(table).where(*where).order_by(table.c.next_date).limit(limit)
        with self._scope.read() as unit:
            return [_row_to_trigger(row) for row in unit.conn.execute(stmt)]

    def delete(self, namespace: str, flow_id: str, trigger_id: str) -> bool:
        with self._scope.write() as unit:
            return unit.conn.execute(delete(table).where(*_key(namespace, flow_id, trigger_id))).rowcount > 0

    def delete_for_flow(self, namespace: str, flow_id: str) -> int:
        stmt = delete(table).where(table.c.namespace == namespace, table.c.flow_id == flow_id)
        with self._scope.write() as unit:
            return unit.conn.execute(stmt).rowcount

    def try_lock(
        self, namespace: str, flow_id: str, trigger_id: str, owner: str, ttl: timedelta, *, now: datetime | None = None
    ) -> bool:
        """Take (or extend) the evaluation lock until `now + ttl`. True when `owner` holds it afterwards. A trigger
        with no state yet gets a row holding the lock."""
        now = self._now(now)
        lock = {"locked_by": owner, "locked_until": now + ttl}
        stmt = (
            update(table)
            .where(*_key(namespace, flow_id, trigger_id))
            .where(table.c.locked_by.is_(None) | (table.c.locked_until <= now) | (table.c.locked_by == owner))
            .values(**lock)
        )
        with self._scope.write() as unit:
            if unit.conn.execute(stmt).rowcount == 1:
                return True
            row = {
                "namespace": namespace,
                "flow_id": flow_id,
                "trigger_id": trigger_id,
                "disabled": False,
                "context": {},
                "updated": now,
                **lock,
            }
            insert = self._dialect.insert(table).on_conflict_do_nothing().returning(table.c.trigger_id)
            return unit.conn.execute(insert, row).one_or_none() is not None

    def claim_due(
        self,
        keys: Sequence[tuple[str, str, str]],
        owner: str,
        ttl: timedelta,
        *,
        now: datetime | None = None,
        locks_now: datetime | None = None,
    ) -> list[TriggerState]:
        """Lock until `now + ttl`, in one statement, those of `keys` that are still due by `now`, enabled and
        unlocked at `locks_now` (default `now`; or locked by `owner`), and return their current state: what another
        scheduler fired meanwhile is not returned."""
        if not keys:
            return []
        now = self._now(now)
        locks_now = locks_now or now
        stmt = (
            update(table)
            .where(
                tuple_(table.c.namespace, table.c.flow_id, table.c.trigger_id).in_(list(keys)),
                table.c.next_date <= now,
                table.c.disabled.is_(False),
                table.c.locked_by.is_(None) | (table.c.locked_until <= locks_now) | (table.c.locked_by == owner),
            )
            .values(locked_by=owner, locked_until=now + ttl)
            .returning(table)
        )
        with self._scope.write() as unit:
            return [_row_to_trigger(row) for row in unit.conn.execute(stmt)]

    def prepare_release(
        self, states: Sequence[TriggerState], owner: str, *, now: datetime | None = None
    ) -> PreparedWrite:
        """The new states of triggers `owner` claimed (`claim_due`), converted ahead for `write_prepared`, which
        raises Conflict if any claim is no longer held as it was (expired and taken by another scheduler): the
        states are written only with the executions of the claims that are still ours."""
        rows = [
            {**row, "k_owner": owner, "k_until": state.locked_until}
            for row, state in zip(_release_rows(states, self._now(now)), states, strict=True)
        ]
        return self._prepare("triggers.release_held", _RELEASE_HELD, rows, fenced="trigger claims are no longer held")

    def unlock_owner(self, owner: str) -> int:
        """Free every lock `owner` holds (a scheduler found dead: what it claimed is due again for the others)."""
        stmt = update(table).where(table.c.locked_by == owner).values(locked_by=None, locked_until=None)
        with self._scope.write() as unit:
            return unit.conn.execute(stmt).rowcount

    def unlock_all(self) -> int:
        """Free every lock (a process alone on its store starting after a crash: no lock holder is alive)."""
        stmt = update(table).where(table.c.locked_by.is_not(None)).values(locked_by=None, locked_until=None)
        with self._scope.write() as unit:
            return unit.conn.execute(stmt).rowcount

    def unlock(self, namespace: str, flow_id: str, trigger_id: str, owner: str) -> bool:
        """Release the lock if `owner` holds it."""
        stmt = (
            update(table)
            .where(*_key(namespace, flow_id, trigger_id), table.c.locked_by == owner)
            .values(locked_by=None, locked_until=None)
        )
        with self._scope.write() as unit:
            return unit.conn.execute(stmt).rowcount == 1
