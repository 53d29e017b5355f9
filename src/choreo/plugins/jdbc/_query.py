"""What the SQL plugins share: JDBC URLs read as SQLAlchemy ones, a query run in a thread, rows as JSON values."""

from __future__ import annotations

import enum
import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any


class FetchType(enum.StrEnum):
    FETCH_ONE = "FETCH_ONE"
    FETCH = "FETCH"
    STORE = "STORE"
    NONE = "NONE"


def sqlalchemy_url(url: str, username: str | None, password: str | None) -> str:
    """`jdbc:postgresql://host:5432/db` → `postgresql+psycopg://user:pw@host:5432/db`; `jdbc:sqlite:/path` → sqlite."""
    from sqlalchemy.engine import make_url

    text = url.removeprefix("jdbc:")
    if text.startswith("sqlite:") and not text.startswith("sqlite://"):
        return "sqlite:///" + text.removeprefix("sqlite:")  # an absolute path keeps its slash: sqlite:////data/x.db
    parsed = make_url(text.replace("postgresql://", "postgresql+psycopg://", 1))
    if username:
        parsed = parsed.set(username=username)
    if password:
        parsed = parsed.set(password=password)
    return parsed.render_as_string(hide_password=False)


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return value


def run_query(url: str, sql: str) -> list[dict[str, Any]]:
    """The rows of `sql` (blocking: call it in a thread). One engine per call: polls are minutes apart."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            result = conn.execute(text(sql))
            if not result.returns_rows:
                conn.commit()
                return []
            return [{key: _value(value) for key, value in row._mapping.items()} for row in result]
    finally:
        engine.dispose()


def as_jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(row, default=str) + "\n" for row in rows).encode("utf-8")
