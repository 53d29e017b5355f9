"""The per-namespace key/value store: typed values, optional TTL (expired keys read as missing, purged lazily)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, delete, select

from choreo.model.durations import format_duration, parse_duration
from choreo.store._base import Repository
from choreo.store.errors import Conflict, InvalidKey, InvalidValue
from choreo.store.records import KVEntry, KVType
from choreo.store.schema import kv as table

KEY_PATTERN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]*$")


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise InvalidKey(f"invalid KV key {key!r}: use letters, digits, '.', '_', '-', starting with a letter or digit")


def encode(value: Any, type: KVType) -> Any:
    """The JSON form of `value` as `type`; strings are parsed for the non-string types."""
    try:
        if type is KVType.STRING:
            if not isinstance(value, str):
                raise TypeError("a string")
            return value
        if type is KVType.NUMBER:
            if isinstance(value, str):
                value = Decimal(value.strip())
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                raise TypeError("a number")
            if isinstance(value, Decimal):
                return int(value) if value == value.to_integral_value() else float(value)
            return value
        if type is KVType.BOOLEAN:
            if isinstance(value, str) and value.strip().lower() in ("true", "false"):
                return value.strip().lower() == "true"
            if not isinstance(value, bool):
                raise TypeError("true or false")
            return value
        if type is KVType.DATETIME:
            if isinstance(value, str):
                value = datetime.fromisoformat(value.strip())
            if not isinstance(value, datetime) or value.utcoffset() is None:
                raise TypeError("a timezone-aware datetime")
            return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if type is KVType.DATE:
            if isinstance(value, str):
                value = date.fromisoformat(value.strip())
            if isinstance(value, datetime) or not isinstance(value, date):
                raise TypeError("a date")
            return value.isoformat()
        if type is KVType.DURATION:
            if isinstance(value, str):
                value = parse_duration(value)
            if not isinstance(value, timedelta):
                raise TypeError("a duration")
            return format_duration(value)
        return value  # JSON: anything JSON can hold
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise InvalidValue(f"{value!r} is not a valid {type.value} value (expected {exc})") from exc


def decode(stored: Any, type: KVType) -> Any:
    if stored is None:
        return None
    if type is KVType.DATETIME:
        return datetime.fromisoformat(stored)
    if type is KVType.DATE:
        return date.fromisoformat(stored)
    if type is KVType.DURATION:
        return parse_duration(stored)
    return stored


def _row_to_entry(row: Any) -> KVEntry:
    kind = KVType(row.type)
    return KVEntry(
        namespace=row.namespace,
        key=row.key,
        value=decode(row.value, kind),
        type=kind,
        expires_at=row.expires_at,
        description=row.description,
        created=row.created,
        updated=row.updated,
    )


class KVRepository(Repository):
    def put(
        self,
        namespace: str,
        key: str,
        value: Any,
        type: KVType | str | None = None,
        *,
        ttl: timedelta | None = None,
        overwrite: bool = True,
        description: str | None = None,
        now: datetime | None = None,
    ) -> KVEntry:
        """Store `value` (its type inferred from the Python value when not given). With `overwrite=False`, a live
        key raises Conflict; an expired one is replaced."""
        _check_key(key)
        kind = KVType.of(value) if type is None else KVType(str(type).upper())
        stored = encode(value, kind)
        now = self._now(now)
        if ttl is not None and ttl <= timedelta(0):
            raise InvalidValue(f"ttl must be positive, got {ttl}")
        expires_at = now + ttl if ttl is not None else None
        row = {
            "namespace": namespace,
            "key": key,
            "type": kind.value,
            "value": stored,
            "description": description,
            "expires_at": expires_at,
            "created": now,
            "updated": now,
        }
        insert = self._dialect.insert(table)
        expired = table.c.expires_at.is_not(None) & (table.c.expires_at <= now)
        fields = ("type", "value", "description", "expires_at", "updated")
        stmt = insert.on_conflict_do_update(
            index_elements=[table.c.namespace, table.c.key],
            set_={
                **{name: insert.excluded[name] for name in fields},
                "created": case((expired, insert.excluded.created), else_=table.c.created),
            },
            where=None if overwrite else expired,
        ).returning(table.c.created)
        with self._scope.write() as unit:
            created = unit.conn.execute(stmt, row).scalar_one_or_none()
        if created is None:
            raise Conflict(f"key {key!r} already exists in namespace {namespace!r}")
        return KVEntry(namespace, key, decode(stored, kind), kind, expires_at, description, created, now)

    def get(self, namespace: str, key: str, *, now: datetime | None = None) -> KVEntry | None:
        """The entry, or None when missing or expired (an expired row is deleted on the way)."""
        _check_key(key)
        now = self._now(now)
        with self._scope.read() as unit:
            row = unit.conn.execute(
                select(table).where(table.c.namespace == namespace, table.c.key == key)
            ).one_or_none()
        if row is None:
            return None
        if row.expires_at is not None and row.expires_at <= now:
            self._purge(namespace, key, now)
            return None
        return _row_to_entry(row)

    def list(self, namespace: str, *, prefix: str | None = None, now: datetime | None = None) -> list[KVEntry]:
        """Live entries of the namespace, by key; `prefix` narrows to keys starting with it."""
        now = self._now(now)
        stmt = select(table).where(table.c.namespace == namespace).order_by(table.c.key)
        if prefix:
            stmt = stmt.where(table.c.key.startswith(prefix, autoescape=True))
        with self._scope.read() as unit:
            rows = unit.conn.execute(stmt).all()
        live = [row for row in rows if row.expires_at is None or row.expires_at > now]
        if len(live) < len(rows):
            self._purge(namespace, None, now)
        return [_row_to_entry(row) for row in live]

    def namespaces(self) -> list[str]:
        """Namespaces holding at least one entry, sorted."""
        with self._scope.read() as unit:
            return sorted(unit.conn.execute(select(table.c.namespace).distinct()).scalars())

    def delete(self, namespace: str, key: str, *, now: datetime | None = None) -> bool:
        """Remove the key; False when it was missing (or already expired)."""
        _check_key(key)
        now = self._now(now)
        stmt = delete(table).where(table.c.namespace == namespace, table.c.key == key).returning(table.c.expires_at)
        with self._scope.write() as unit:
            row = unit.conn.execute(stmt).one_or_none()
        return row is not None and (row.expires_at is None or row.expires_at > now)

    def purge_expired(self, *, now: datetime | None = None) -> int:
        """Delete every expired entry; returns how many."""
        now = self._now(now)
        with self._scope.write() as unit:
            stmt = delete(table).where(table.c.expires_at.is_not(None), table.c.expires_at <= now)
            return unit.conn.execute(stmt).rowcount

    def _purge(self, namespace: str, key: str | None, now: datetime) -> None:
        stmt = delete(table).where(table.c.namespace == namespace, table.c.expires_at <= now)
        if key is not None:
            stmt = stmt.where(table.c.key == key)
        with self._scope.write() as unit:
            unit.conn.execute(stmt)
