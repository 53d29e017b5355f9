"""API tokens: random secrets shown once at creation, stored as SHA-256 hashes, looked up by hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from choreo.store._base import Repository
from choreo.store.schema import api_tokens as table

PREFIX = "choreo_"


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: str
    name: str
    created: datetime
    expires_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "createdDate": self.created.isoformat().replace("+00:00", "Z"),
            "expiresAt": self.expires_at.isoformat().replace("+00:00", "Z") if self.expires_at else None,
        }


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _row_to_token(row: Any) -> ApiToken:
    return ApiToken(id=row.id, name=row.name, created=row.created, expires_at=row.expires_at)


class TokenRepository(Repository):
    def create(
        self, name: str, *, expires_at: datetime | None = None, now: datetime | None = None
    ) -> tuple[ApiToken, str]:
        """A new token: its record and the secret, which is never stored and cannot be shown again."""
        secret = PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(id=secrets.token_hex(8), name=name, created=self._now(now), expires_at=expires_at)
        row = {
            "id": token.id,
            "name": name,
            "hash": token_hash(secret),
            "created": token.created,
            "expires_at": expires_at,
        }
        with self._scope.write() as unit:
            unit.conn.execute(table.insert(), row)
        return token, secret

    def verify(self, secret: str, *, now: datetime | None = None) -> ApiToken | None:
        """The live token with this secret, or None. The lookup is by hash: no secret comparison leaks timing."""
        with self._scope.read() as unit:
            row = unit.conn.execute(select(table).where(table.c.hash == token_hash(secret))).one_or_none()
        if row is None:
            return None
        token = _row_to_token(row)
        if token.expires_at is not None and token.expires_at <= self._now(now):
            return None
        return token

    def list(self) -> list[ApiToken]:
        with self._scope.read() as unit:
            return [_row_to_token(row) for row in unit.conn.execute(select(table).order_by(table.c.created))]

    def revoke(self, token_id: str) -> bool:
        with self._scope.write() as unit:
            return unit.conn.execute(delete(table).where(table.c.id == token_id)).rowcount > 0
